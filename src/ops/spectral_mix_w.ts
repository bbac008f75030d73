// The transpose of spectral_mix in its weights: the output's cotangent
// y [B, O, K…, 2] against the input spectrum x [B, I, K…, 2], at each kept
// bin k, summed over the batch -> [G, O, I, M…, 2] (attr `modes` is M),
//   out[g, o, i, m] = Σ_b y[b, o, k] · conj(x[b, i, k])
// with (g, m) the block and weight index of bin k (spectral-modes.ts). Its
// real and imaginary parts are the gradients of the weights' parts.
import type { Shape } from '../ir/graph.js';
import { sameShape, shapeText } from '../ir/graph.js';
import type { OpDef } from './op.js';
import { expectArity, ShapeError } from './op.js';
import { binWgsl, complexProduct, COMPLEX_MAC_FLOPS, forEachKept, modesOf, weightShape } from './spectral-modes.js';
import { coord } from '../wgsl/text.js';
import { tensor } from './tensor.js';

export const spectral_mix_w: OpDef<'spectral_mix_w'> = {
  name: 'spectral_mix_w',
  shape(inputs, { modes }) {
    expectArity(inputs, 2, 'spectral_mix_w');
    const [y, x] = inputs as [Shape, Shape];
    const m = modesOf(y, modes, 'spectral_mix_w');
    if (!sameShape(y.filter((_, a) => a !== 1), x.filter((_, a) => a !== 1)))
      throw new ShapeError(`spectral_mix_w takes two spectra alike but for their channels, got ${shapeText(y)} and ${shapeText(x)}`);
    return weightShape(m, y[1]!, x[1]!);
  },
  eval([y, x], { modes }, shape) {
    const m = modesOf(y!.shape, modes, 'spectral_mix_w');
    const [B, O] = y!.shape as [number, number];
    const I = x!.shape[1]!;
    const P = y!.data.length / (2 * B * O);
    const out = tensor(shape);
    forEachKept(m, (p, g, q) => {
      for (let o = 0; o < O; o++)
        for (let i = 0; i < I; i++) {
          let [re, im] = [0, 0];
          for (let b = 0; b < B; b++) {
            const [yi, xi] = [2 * ((b * O + o) * P + p), 2 * ((b * I + i) * P + p)];
            const [yr, ym, xr, xm] = [y!.data[yi]!, y!.data[yi + 1]!, x!.data[xi]!, x!.data[xi + 1]!];
            re += yr * xr + ym * xm;
            im += ym * xr - yr * xm;
          }
          const at = 2 * (((g * O + o) * I + i) * m.perBlock + q);
          [out.data[at], out.data[at + 1]] = [re, im];
        }
    });
    return out;
  },
  // Σ_b y conj(x): in y the mix of x by the cotangent, in x the adjoint mix of y by it.
  vjp(b, n, cot) {
    const [y, x] = n.inputs as [string, string];
    return [
      b.add(`d.${n.id}.y`, 'spectral_mix', [x, cot], b.shapeOf(y)),
      b.add(`d.${n.id}.x`, 'spectral_mix_t', [y, cot], b.shapeOf(x)),
    ];
  },
  flops: () => [COMPLEX_MAC_FLOPS, 'B'],
  wgsl: {
    kind: 'reduce',
    // Each spectrum value at a kept bin feeds both parts of the other channel count's weights.
    reuse: (c) => [2 * (c.out[2] as number), 2 * (c.out[1] as number)],
    domain: () => ['B'],
    term: (c, i, j) => {
      const m = modesOf(c.ins[0]!, c.attrs.modes, 'spectral_mix_w');
      const [O, I] = [c.out[1] as number, c.out[2] as number];
      const P = m.bins.reduce((a, k) => a * k, 1);
      const [g, o, ch, yAt, xAt, y, x, z] = ['g', 'o', 'i', 'yat', 'xat', 'y', 'x', 'z'].map((t) => c.fresh(t)) as [string, string, string, string, string, string, string, string];
      const p = binWgsl(m, g, m.bins.map((_, a) => coord(c.out, 3 + a, i)));
      return {
        stmts: [
          `let ${g} = ${coord(c.out, 0, i)}; let ${o} = ${coord(c.out, 1, i)}; let ${ch} = ${coord(c.out, 2, i)};`,
          `let ${yAt} = 2u * ((${j} * ${O}u + ${o}) * ${P}u + ${p});`,
          `let ${xAt} = 2u * ((${j} * ${I}u + ${ch}) * ${P}u + ${p});`,
          `let ${y} = vec2<f32>(${c.x(0, yAt)}, ${c.x(0, `${yAt} + 1u`)});`,
          `let ${x} = vec2<f32>(${c.x(1, xAt)}, ${c.x(1, `${xAt} + 1u`)});`,
          `let ${z} = ${complexProduct(y, x, true)};`,
        ],
        value: `select(${z}.x, ${z}.y, ${coord(c.out, c.out.length - 1, i)} == 1u)`,
      };
    },
  },
};
