// The transpose of conv1d in its input ("transposed convolution"), with the
// forward's SAME offset: y [B, Cout, N], w [Cout, Cin, K] -> [B, Cin, N],
//   out[b,c,j] = sum_{o,k} w[o,c,k] y[b,o,j + left - k].
// For even K this is not itself a SAME conv1d (its offset is K-1-left), which
// is why it is an op of its own rather than conv1d on a flipped kernel.
import type { Shape } from '../ir/graph.js';
import { shapeText } from '../ir/graph.js';
import { sizeDim } from './attrs.js';
import type { OpDef } from './op.js';
import { expectArity, ShapeError } from './op.js';
import { coord } from '../wgsl/text.js';
import { leftPad, padIndex, padLoadWgsl } from './padding.js';
import { convTile } from './conv-tile.js';
import { tensor } from './tensor.js';

export const conv1d_t: OpDef<'conv1d_t'> = {
  name: 'conv1d_t',
  shape(inputs) {
    expectArity(inputs, 2, 'conv1d_t');
    const [y, w] = inputs as [Shape, Shape];
    if (y.length !== 3 || w.length !== 3 || y[1] !== w[0])
      throw new ShapeError(`conv1d_t needs y [B,Cout,N] and w [Cout,Cin,K], got ${shapeText(y)} and ${shapeText(w)}`);
    sizeDim(y, 2, 'conv1d_t');
    sizeDim(w, 2, 'conv1d_t');
    return [y[0]!, sizeDim(w, 1, 'conv1d_t'), y[2]!];
  },
  eval([y, w], { padding: p }) {
    const [B, O, N] = y!.shape as [number, number, number];
    const [, C, K] = w!.shape as [number, number, number];
    const left = leftPad(K);
    const out = tensor([B, C, N]);
    for (let b = 0; b < B; b++)
      for (let c = 0; c < C; c++)
        for (let j = 0; j < N; j++) {
          let acc = 0;
          for (let o = 0; o < O; o++)
            for (let k = 0; k < K; k++) {
              const i = padIndex(p, j + left - k, N);
              if (i >= 0) acc += w!.data[(o * C + c) * K + k]! * y!.data[(b * O + o) * N + i]!;
            }
          out.data[(b * C + c) * N + j] = acc;
        }
    return out;
  },
  vjp(b, n, cot) {
    const [y, w] = n.inputs as [string, string];
    const [yShape, wShape] = [b.shapeOf(y), b.shapeOf(w)];
    const { padding } = n.attrs;
    return [
      b.add(`d.${n.id}.y`, 'conv1d', [cot, w], yShape, { padding }),
      b.add(`d.${n.id}.w`, 'conv1d_w', [y, cot], wShape, { padding, k: sizeDim(wShape, 2, n.op) }),
    ];
  },
  // A multiply and an add per output channel and tap.
  flops: (c) => [2, c.ins[1]![0]!, c.ins[1]![2]!],
  wgsl: {
    kind: 'loop',
    reuse: (c) => [(c.ins[1]![1] as number) * (c.ins[1]![2] as number), 1],
    tile: (s) => {
      const [, O, N] = s.ins[0] as [unknown, number, number];
      const [, C, K] = s.ins[1] as [number, number, number];
      return convTile(C, {
        inner: O,
        N,
        K,
        shift: (k) => leftPad(K) - k,
        padding: s.attrs.padding,
        w: (c, q, o, k) => c.x(1, `(${o} * ${C}u + ${q}) * ${K}u + ${k}u`),
        input: 0,
      }, s.target);
    },
    body: (c, i) => {
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
    },
  },
};
