// SAME convolution on one to three spatial axes, as a cross-correlation
// (PyTorch, Flax, equinox; networks.md §1):
//   y[b,o,n] = Σ_{i,t} w[o,i,t] x̃[b,i, s·n + d·(t − ℓ)],   ℓ = (k−1)//2,
// x [B, I, N…], w [O, I, k…] -> [B, O, N/s…]. Its VJP is the pair of ops
// that are its transposes in x (conv_t) and in w (conv_w); all three share
// conv-geometry.ts.
import { convGeometry, convShape, convVjp, gatherTaps, ruleGeometry, tapTable } from './conv-geometry.js';
import { convLoop } from './conv-loops.js';
import type { OpDef, WgslCtx } from './op.js';
import { coord } from '../wgsl/text.js';
import { leftPad, padTap } from './padding.js';

export const conv: OpDef<'conv'> = {
  name: 'conv',
  shape: convShape('conv'),
  eval([x, w], attrs) {
    const g = convGeometry(attrs, x!.shape.slice(2), w!.shape[2]!);
    const I = x!.shape[1]!;
    return gatherTaps(x!, w!, tapTable(g), g.taps, [x!.shape[0]!, w!.shape[0]!, ...g.M], (o, i) => (o * I + i) * g.taps);
  },
  vjp: convVjp,
  // A multiply and an add per input channel and tap that reads a point of x (upsampled: one tap in u on each axis).
  flops: (c) => [2 / ruleGeometry('conv', c).u ** (c.out.length - 2), ...c.ins[1]!.slice(1)],
  wgsl: convLoop('conv', body1d),
};

// The K padded tap positions depend only on the output column: computed
// once, so the channel loop holds no index arithmetic and its K taps unroll.
function body1d(c: WgslCtx<'conv'>, i: string): { stmts: string[]; value: string } {
  const p = c.attrs.padding;
  const [, C, N] = c.ins[0] as [unknown, number, number];
  const K = c.ins[1]![2] as number;
  const [b, o, col, acc, ch] = ['b', 'o', 'col', 'acc', 'c'].map((t) => c.fresh(t)) as [string, string, string, string, string];
  const taps = [...Array(K).keys()].map((k) => padTap(p, `i32(${col}) + ${k - leftPad(K)}`, N, K, c.fresh(`j${k}`)));
  const terms = taps.map((t, k) => t.mask(`${c.x(1, `(${o} * ${C}u + ${ch}) * ${K}u + ${k}u`)} * ${c.x(0, `(${b} * ${C}u + ${ch}) * ${N}u + ${t.index}`)}`));
  return {
    stmts: [
      `let ${b} = ${coord(c.out, 0, i)}; let ${o} = ${coord(c.out, 1, i)}; let ${col} = ${coord(c.out, 2, i)};`,
      ...taps.flatMap((t) => t.stmts),
      `var ${acc} = 0.0;`,
      `for (var ${ch} = 0u; ${ch} < ${c.bound(C)}; ${ch}++) {`,
      `  ${acc} += ${terms.join(' + ')};`,
      `}`,
    ],
    value: acc,
  };
}
