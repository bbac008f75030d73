// The transpose of dense in its input: y [B, out], w [out, in] -> [B, in],
//   out[b,i] = sum_o w[o,i] y[b,o].
import type { Shape } from '../ir/graph.js';
import { shapeText } from '../ir/graph.js';
import { sizeDim } from './attrs.js';
import type { OpDef } from './op.js';
import { expectArity, ShapeError } from './op.js';
import { coord } from '../wgsl/text.js';
import { matmulTile } from './matmul-tile.js';
import { tensor } from './tensor.js';

export const dense_t: OpDef<'dense_t'> = {
  name: 'dense_t',
  shape(inputs) {
    expectArity(inputs, 2, 'dense_t');
    const [y, w] = inputs as [Shape, Shape];
    if (y.length !== 2 || w.length !== 2 || y[1] !== w[0])
      throw new ShapeError(`dense_t needs y [B,out] and w [out,in], got ${shapeText(y)} and ${shapeText(w)}`);
    return [y[0]!, sizeDim(w, 1, 'dense_t')];
  },
  eval([y, w]) {
    const [M, O] = y!.shape as [number, number];
    const I = w!.shape[1]!;
    const out = tensor([M, I]);
    for (let m = 0; m < M; m++)
      for (let i = 0; i < I; i++) {
        let acc = 0;
        for (let o = 0; o < O; o++) acc += w!.data[o * I + i]! * y!.data[m * O + o]!;
        out.data[m * I + i] = acc;
      }
    return out;
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
