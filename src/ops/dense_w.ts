// The transpose of dense in its weight: the output cotangent y [B, out]
// against the input x [B, in], summed over the batch -> [out, in],
//   out[o,i] = sum_b y[b,o] x[b,i].
import { matrixPair, sizeDim } from './attrs.js';
import type { OpDef } from './op.js';
import { coord } from '../wgsl/text.js';
import { matmulTile } from './matmul-tile.js';
import { product } from './tensor.js';

export const dense_w: OpDef<'dense_w'> = {
  name: 'dense_w',
  shape(inputs) {
    const [y, x] = matrixPair(inputs, 'dense_w', 'y [B,out] and x [B,in]', (y, x) => y[0] === x[0]);
    return [sizeDim(y, 1, 'dense_w'), sizeDim(x, 1, 'dense_w')];
  },
  eval([y, x]) {
    const [M, O] = y!.shape as [number, number];
    const I = x!.shape[1]!;
    return product(O, I, M, (o, m) => y!.data[m * O + o]!, (i, m) => x!.data[m * I + i]!);
  },
  vjp(b, n, cot) {
    const [y, x] = n.inputs as [string, string];
    return [
      b.add(`d.${n.id}.y`, 'dense', [x, cot], b.shapeOf(y)),
      b.add(`d.${n.id}.x`, 'dense_t', [y, cot], b.shapeOf(x)),
    ];
  },
  // One workgroup per weight entry, summing over the batch.
  flops: () => [2, 'B'],
  wgsl: {
    kind: 'reduce',
    reuse: (c) => [c.out[1] as number, c.out[0] as number],
    tile: (s) => {
      const [O, In] = s.out as [number, number];
      return matmulTile({
        M: O,
        N: In,
        K: 'B',
        a: (c, m, k) => c.x(0, `${k} * ${O}u + ${m}`),
        b: (c, n, k) => c.x(1, `${k} * ${In}u + ${n}`),
        out: (m, n) => `${m} * ${In}u + ${n}`,
        channelRows: true,
      }, s.target);
    },
    domain: () => ['B'],
    term: (c, i, j) => {
      const [O, In] = c.out as [number, number];
      return {
        stmts: [],
        value: `${c.x(0, `${j} * ${O}u + ${coord(c.out, 0, i)}`)} * ${c.x(1, `${j} * ${In}u + ${coord(c.out, 1, i)}`)}`,
      };
    },
  },
};
