// The transpose of conv in its input ("transposed convolution"), with the
// forward's SAME offset: y [B, O, M…], w [O, I, k…] -> [B, I, N…], N = s·M,
//   x[b,i,m] = Σ_{o,t} w[o,i,t] y[b,o,n]  over the n with s·n + d·(t − ℓ) = m
// (mod N when circular). For even k this is not itself a SAME conv (its
// offset is k-1-ℓ), and for stride 2 it writes twice the points it reads,
// which is why it is an op of its own rather than conv on a flipped kernel.
import { convGeometry, convShape, convVjp, gatherTaps, inverseTaps, ruleGeometry } from './conv-geometry.js';
import { convLoop } from './conv-loops.js';
import type { OpDef, WgslCtx } from './op.js';
import { coord } from '../wgsl/text.js';
import { leftPad, padLoadWgsl } from './padding.js';

export const conv_t: OpDef<'conv_t'> = {
  name: 'conv_t',
  shape: convShape('conv_t'),
  eval([y, w], attrs, shape) {
    const g = convGeometry(attrs, shape.slice(2), w!.shape[2]!);
    const I = w!.shape[1]!;
    return gatherTaps(y!, w!, inverseTaps(g), g.taps, shape, (i, o) => (o * I + i) * g.taps);
  },
  vjp: convVjp,
  // A multiply and an add per output channel and tap that lands on a strided point.
  flops: (c) => [2 / ruleGeometry('conv_t', c).s ** (c.out.length - 2), ...c.ins[1]!.filter((_, a) => a !== 1)],
  wgsl: convLoop('conv_t', body1d),
};

function body1d(c: WgslCtx<'conv_t'>, i: string): { stmts: string[]; value: string } {
  const p = c.attrs.padding;
  const [, O, N] = c.ins[0] as [unknown, number, number];
  const [, C, K] = c.ins[1] as [number, number, number];
  const [b, ch, col, acc, o, k] = ['b', 'c', 'col', 'acc', 'o', 'k'].map((t) => c.fresh(t)) as [string, string, string, string, string, string];
  const y = padLoadWgsl(p, `i32(${col}) + ${leftPad(K)} - i32(${k})`, N, K, (j) => c.x(0, `(${b} * ${O}u + ${o}) * ${N}u + ${j}`));
  return {
    stmts: [
      `let ${b} = ${coord(c.out, 0, i)}; let ${ch} = ${coord(c.out, 1, i)}; let ${col} = ${coord(c.out, 2, i)};`,
      `var ${acc} = 0.0;`,
      `for (var ${o} = 0u; ${o} < ${c.bound(O)}; ${o}++) { for (var ${k} = 0u; ${k} < ${c.bound(K)}; ${k}++) {`,
      `  ${acc} += ${c.x(1, `(${o} * ${C}u + ${ch}) * ${K}u + ${k}`)} * ${y};`,
      `} }`,
    ],
    value: acc,
  };
}
