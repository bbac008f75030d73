// A fully connected layer without bias: x [B, in], w [out, in] -> [B, out],
//   out[b,o] = sum_i w[o,i] x[b,i]
// (PyTorch's weight layout). Its VJP uses its transposes in x (dense_t) and
// in w (dense_w), mirroring the convolutions (conv, conv_t, conv_w).
import { matrixPair, sizeDim } from './attrs.js';
import type { OpDef } from './op.js';
import { coord } from '../wgsl/text.js';
import { matmulTile } from './matmul-tile.js';
import { product } from './tensor.js';

export const dense: OpDef<'dense'> = {
  name: 'dense',
  shape(inputs) {
    const [x, w] = matrixPair(inputs, 'dense', 'x [B,in] and w [out,in]', (x, w) => x[1] === w[1]);
    return [x[0]!, sizeDim(w, 0, 'dense')];
  },
  eval([x, w]) {
    const [M, I] = x!.shape as [number, number];
    return product(M, w!.shape[0]!, I, (m, i) => x!.data[m * I + i]!, (o, i) => w!.data[o * I + i]!);
  },
  vjp(b, n, cot) {
    const [x, w] = n.inputs as [string, string];
    return [
      b.add(`d.${n.id}.x`, 'dense_t', [cot, w], b.shapeOf(x)),
      b.add(`d.${n.id}.w`, 'dense_w', [cot, x], b.shapeOf(w)),
    ];
  },
  flops: (c) => [2, c.ins[1]![1]!],
  wgsl: {
    kind: 'loop',
    reuse: (c) => [c.ins[1]![0] as number, 1],
    tile: (s) => {
      const [O, In] = s.ins[1] as [number, number];
      return matmulTile({
        M: s.out[0]!,
        N: O,
        K: In,
        a: (c, m, k) => c.x(0, `${m} * ${In}u + ${k}`),
        b: (c, n, k) => c.x(1, `${n} * ${In}u + ${k}`),
        out: (m, n) => `${m} * ${O}u + ${n}`,
      }, s.target);
    },
    body: (c, i) => {
      const In = c.ins[0]![1] as number;
      const [b, o, acc, k] = ['b', 'o', 'acc', 'i'].map((t) => c.fresh(t)) as [string, string, string, string];
      return {
        stmts: [
          `let ${b} = ${coord(c.out, 0, i)}; let ${o} = ${coord(c.out, 1, i)};`,
          `var ${acc} = 0.0;`,
          `for (var ${k} = 0u; ${k} < ${c.bound(In)}; ${k}++) { ${acc} += ${c.x(1, `${o} * ${In}u + ${k}`)} * ${c.x(0, `${b} * ${In}u + ${k}`)}; }`,
        ],
        value: acc,
      };
    },
  },
};
