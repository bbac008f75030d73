// SAME 1D convolution, as a cross-correlation (PyTorch, Flax, Trainax):
//   out[b,o,i] = sum_{c,k} w[o,c,k] x[b,c,i - left + k],  left = (K-1)//2,
// x [B, Cin, N], w [Cout, Cin, K] -> [B, Cout, N]. Its VJP is the pair of
// ops that are its transposes in x (conv1d_t) and in w (conv1d_w).
import type { Shape } from '../ir/graph.js';
import { shapeText } from '../ir/graph.js';
import { sizeDim } from './attrs.js';
import type { OpDef } from './op.js';
import { expectArity, ShapeError } from './op.js';
import { coord } from '../wgsl/text.js';
import { leftPad, padIndex, padTap } from './padding.js';
import { convTile } from './conv-tile.js';
import { tensor } from './tensor.js';

export const conv1d: OpDef<'conv1d'> = {
  name: 'conv1d',
  shape(inputs) {
    expectArity(inputs, 2, 'conv1d');
    const [x, w] = inputs as [Shape, Shape];
    if (x.length !== 3 || w.length !== 3 || x[1] !== w[1])
      throw new ShapeError(`conv1d needs x [B,Cin,N] and w [Cout,Cin,K], got ${shapeText(x)} and ${shapeText(w)}`);
    sizeDim(x, 2, 'conv1d');
    sizeDim(w, 2, 'conv1d');
    return [x[0]!, sizeDim(w, 0, 'conv1d'), x[2]!];
  },
  eval([x, w], { padding: p }) {
    const [B, C, N] = x!.shape as [number, number, number];
    const [O, , K] = w!.shape as [number, number, number];
    const left = leftPad(K);
    const out = tensor([B, O, N]);
    for (let b = 0; b < B; b++)
      for (let o = 0; o < O; o++)
        for (let i = 0; i < N; i++) {
          let acc = 0;
          for (let c = 0; c < C; c++)
            for (let k = 0; k < K; k++) {
              const j = padIndex(p, i - left + k, N);
              if (j >= 0) acc += w!.data[(o * C + c) * K + k]! * x!.data[(b * C + c) * N + j]!;
            }
          out.data[(b * O + o) * N + i] = acc;
        }
    return out;
  },
  vjp(b, n, cot) {
    const [x, w] = n.inputs as [string, string];
    const [wShape, xShape] = [b.shapeOf(w), b.shapeOf(x)];
    const { padding } = n.attrs;
    return [
      b.add(`d.${n.id}.x`, 'conv1d_t', [cot, w], xShape, { padding }),
      b.add(`d.${n.id}.w`, 'conv1d_w', [cot, x], wShape, { padding, k: sizeDim(wShape, 2, n.op) }),
    ];
  },
  // A multiply and an add per input channel and tap.
  flops: (c) => [2, c.ins[1]![1]!, c.ins[1]![2]!],
  wgsl: {
    kind: 'loop',
    reuse: (c) => [(c.ins[1]![0] as number) * (c.ins[1]![2] as number), 1],
    tile: (s) => {
      const [, C, N] = s.ins[0] as [unknown, number, number];
      const [O, , K] = s.ins[1] as [number, number, number];
      return convTile(O, {
        inner: C,
        N,
        K,
        shift: (k) => k - leftPad(K),
        padding: s.attrs.padding,
        w: (c, q, ch, k) => c.x(1, `(${q} * ${C}u + ${ch}) * ${K}u + ${k}u`),
        input: 0,
      }, s.target);
    },
    // The K padded tap positions depend only on the output column: computed
    // once, so the channel loop holds no index arithmetic and its K taps unroll.
    body: (c, i) => {
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
    },
  },
};
