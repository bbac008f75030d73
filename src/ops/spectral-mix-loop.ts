// What spectral_mix and its adjoint spectral_mix_t share: both map a half
// spectrum [B, C_in, K…, 2] to [B, C_out, K…, 2] through the weights
// w [G, O, I, M…, 2] at the kept bins, zero elsewhere,
//   mix:      out[b, o, k] = Σ_i w[g, o, i, m] · x[b, i, k]
//   adjoint:  out[b, i, k] = Σ_o conj(w[g, o, i, m]) · x[b, o, k]
// and differ only in which weight axis they sum over and the conjugation.
import type { Shape } from '../ir/graph.js';
import type { ReuseCtx, Tensor, WgslRule } from './op.js';
import { ShapeError } from './op.js';
import type { Modes } from './spectral-modes.js';
import { complexProduct, COMPLEX_MAC_FLOPS, forEachKept, keptShare, keptWgsl, spectrumCoords, weightModes } from './spectral-modes.js';
import { tensor } from './tensor.js';

type MixOp = 'spectral_mix' | 'spectral_mix_t';

/** The output shape: x's with the other end of w's channel axes (O for the mix, I for its adjoint). */
export function mixShape(op: MixOp, [x, w]: readonly Shape[], adjoint: boolean): Shape {
  weightModes(x!, w!, op);
  const [from, to] = adjoint ? [w![1]!, w![2]!] : [w![2]!, w![1]!];
  if (from !== x![1]) throw new ShapeError(`${op} of ${String(x![1])} channels takes a weight whose ${adjoint ? 'output' : 'input'} channels agree, got ${String(from)}`);
  return x!.map((d, a) => (a === 1 ? to : d));
}

/** Flat index of w[g, o, i, q]'s real part. */
const weightAt = (m: Modes, O: number, I: number, g: number, o: number, i: number, q: number) => 2 * (((g * O + o) * I + i) * m.perBlock + q);

export function mixEval(x: Tensor, w: Tensor, shape: readonly number[], adjoint: boolean): Tensor {
  const m = weightModes(x.shape, w.shape, adjoint ? 'spectral_mix_t' : 'spectral_mix');
  const [O, I] = [w.shape[1]!, w.shape[2]!];
  const [B, Cin] = x.shape as [number, number];
  const Cout = shape[1]!;
  const P = x.data.length / (2 * B * Cin);
  const sign = adjoint ? -1 : 1;
  const out = tensor(shape);
  forEachKept(m, (p, g, q) => {
    for (let b = 0; b < B; b++)
      for (let c = 0; c < Cout; c++) {
        let [re, im] = [0, 0];
        for (let d = 0; d < Cin; d++) {
          const wi = adjoint ? weightAt(m, O, I, g, d, c, q) : weightAt(m, O, I, g, c, d, q);
          const xi = 2 * ((b * Cin + d) * P + p);
          const [wr, wm, xr, xm] = [w.data[wi]!, sign * w.data[wi + 1]!, x.data[xi]!, x.data[xi + 1]!];
          re += wr * xr - wm * xm;
          im += wr * xm + wm * xr;
        }
        const at = 2 * ((b * Cout + c) * P + p);
        [out.data[at], out.data[at + 1]] = [re, im];
      }
  });
  return out;
}

/** A complex product per summed channel at the kept share of the bins. */
export function mixFlops(op: MixOp, c: ReuseCtx): number[] {
  return [COMPLEX_MAC_FLOPS * keptShare(weightModes(c.ins[0]!, c.ins[1]!, op)), c.ins[0]![1] as number];
}

/** One output value per thread: its bin's kept test, then the sum over the input channels, both parts, the one asked kept. */
export function mixLoop(op: MixOp, adjoint: boolean): WgslRule<MixOp> {
  return {
    kind: 'loop',
    // Per sample: each input value feeds both parts of every output channel at its bin, each weight both parts of one value.
    reuse: (c) => [2 * (c.out[1] as number), 2],
    body: (c, i) => {
      const m = weightModes(c.ins[0]!, c.ins[1]!, op);
      const [O, I] = [c.ins[1]![1] as number, c.ins[1]![2] as number];
      const Cin = c.ins[0]![1] as number;
      const P = m.bins.reduce((a, k) => a * k, 1);
      const s = spectrumCoords(c.out, i);
      const kept = keptWgsl(m, s.k);
      const [b, out, p, g, q, acc, d, wAt, xAt, w, x] = ['b', 'c', 'p', 'g', 'q', 'acc', 'd', 'wat', 'xat', 'w', 'x'].map((t) => c.fresh(t)) as [string, string, string, string, string, string, string, string, string, string, string];
      const [o, inCh] = adjoint ? [d, out] : [out, d];
      return {
        stmts: [
          `let ${b} = ${s.b}; let ${out} = ${s.c}; let ${p} = ${s.p};`,
          `var ${acc} = vec2<f32>(0.0, 0.0);`,
          `if (${kept.kept}) {`,
          `  let ${g} = ${kept.g}; let ${q} = ${kept.q};`,
          `  for (var ${d} = 0u; ${d} < ${c.bound(Cin)}; ${d}++) {`,
          `    let ${wAt} = 2u * (((${g} * ${O}u + ${o}) * ${I}u + ${inCh}) * ${m.perBlock}u + ${q});`,
          `    let ${xAt} = 2u * ((${b} * ${Cin}u + ${d}) * ${P}u + ${p});`,
          `    let ${w} = vec2<f32>(${c.x(1, wAt)}, ${c.x(1, `${wAt} + 1u`)});`,
          `    let ${x} = vec2<f32>(${c.x(0, xAt)}, ${c.x(0, `${xAt} + 1u`)});`,
          `    ${acc} += ${complexProduct(x, w, adjoint)};`,
          `  }`,
          `}`,
        ],
        value: `${acc}[${s.part}]`,
      };
    },
  };
}
