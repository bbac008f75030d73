// The transpose of dense in its input: y [B, out], w [out, in] -> [B, in],
//   out[b,i] = sum_o w[o,i] y[b,o].
import { matrixPair, sizeDim } from './attrs.js';
import type { OpDef } from './op.js';
import { coord } from '../wgsl/text.js';
import { matmulTile } from './matmul-tile.js';
import { product } from './tensor.js';

export const dense_t: OpDef<'dense_t'> = {
  name: 'dense_t',
  shape(inputs) {
    const [y, w] = matrixPair(inputs, 'dense_t', 'y [B,out] and w [out,in]', (y, w) => y[1] === w[0]);
    return [y[0]!, sizeDim(w, 1, 'dense_t')];
  },
  eval([y, w]) {
    const [M, O] = y!.shape as [number, number];
    const I = w!.shape[1]!;
    return product(M, I, O, (m, o) => y!.data[m * O + o]!, (i, o) => w!.data[o * I + i]!);
  },
  vjp(b, n, cot) {
    const [y, w] = n.inputs as [string, string];
    return [
      b.add(`d.${n.id}.y`, 'dense', [cot, w], b.shapeOf(y)),
      b.add(`d.${n.id}.w`, 'dense_w', [y, cot], b.shapeOf(w)),
    ];
  },
  flops: (c) => [2, c.ins[1]![0]!],
  wgsl: {
    kind: 'loop',
    reuse: (c) => [c.ins[1]![1] as number, 1],
    tile: (s) => {
      const [O, In] = s.ins[1] as [number, number];
      return matmulTile({
        M: s.out[0]!,
        N: In,
        K: O,
        a: (c, m, k) => c.x(0, `${m} * ${O}u + ${k}`),
        b: (c, n, k) => c.x(1, `${k} * ${In}u + ${n}`),
        out: (m, n) => `${m} * ${In}u + ${n}`,
      }, s.target);
    },
    body: (c, i) => {
      const [O, In] = c.ins[1] as [number, number];
      const [b, k, acc, o] = ['b', 'i', 'acc', 'o'].map((t) => c.fresh(t)) as [string, string, string, string];
      return {
        stmts: [
          `let ${b} = ${coord(c.out, 0, i)}; let ${k} = ${coord(c.out, 1, i)};`,
          `var ${acc} = 0.0;`,
          `for (var ${o} = 0u; ${o} < ${c.bound(O)}; ${o}++) { ${acc} += ${c.x(1, `${o} * ${In}u + ${k}`)} * ${c.x(0, `${b} * ${O}u + ${o}`)}; }`,
        ],
        value: acc,
      };
    },
  },
};
