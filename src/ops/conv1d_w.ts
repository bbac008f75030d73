// The transpose of conv1d in its weight: the correlation of the output
// cotangent y [B, Cout, N] with the input x [B, Cin, N], summed over batch
// and space, -> [Cout, Cin, k] (attr k: the kernel size),
//   out[o,c,k] = sum_{b,i} y[b,o,i] x[b,c,i - left + k].
import type { Shape } from '../ir/graph.js';
import { shapeText } from '../ir/graph.js';
import { intAttr, sizeDim } from './attrs.js';
import type { OpDef } from './op.js';
import { coord, expectArity, ShapeError } from './op.js';
import { leftPad, paddingAttr, padIndex, padLoadWgsl } from './padding.js';
import { tensor } from './tensor.js';

export const conv1d_w: OpDef = {
  name: 'conv1d_w',
  shape(inputs, attrs) {
    expectArity(inputs, 2, 'conv1d_w');
    paddingAttr(attrs, 'conv1d_w');
    const k = intAttr(attrs, 'k', 'conv1d_w');
    const [y, x] = inputs as [Shape, Shape];
    if (y.length !== 3 || x.length !== 3 || y[0] !== x[0] || y[2] !== x[2] || k < 1)
      throw new ShapeError(`conv1d_w needs y [B,Cout,N], x [B,Cin,N] and k >= 1, got ${shapeText(y)}, ${shapeText(x)}, k ${k}`);
    return [sizeDim(y, 1, 'conv1d_w'), sizeDim(x, 1, 'conv1d_w'), k];
  },
  eval([y, x], attrs, shape) {
    const p = paddingAttr(attrs, 'conv1d_w');
    const [B, O, N] = y!.shape as [number, number, number];
    const [, C, K] = shape as [number, number, number];
    const left = leftPad(K);
    const out = tensor([O, C, K]);
    for (let o = 0; o < O; o++)
      for (let c = 0; c < C; c++)
        for (let k = 0; k < K; k++) {
          let acc = 0;
          for (let b = 0; b < B; b++)
            for (let i = 0; i < N; i++) {
              const j = padIndex(p, i - left + k, N);
              if (j >= 0) acc += y!.data[(b * O + o) * N + i]! * x!.data[(b * C + c) * N + j]!;
            }
          out.data[(o * C + c) * K + k] = acc;
        }
    return out;
  },
  vjp(b, n, cot) {
    const [y, x] = n.inputs as [string, string];
    const padding = n.attrs['padding']!;
    return [
      b.add(`d.${n.id}.y`, 'conv1d', [x, cot], b.shapeOf(y), { padding }),
      b.add(`d.${n.id}.x`, 'conv1d_t', [y, cot], b.shapeOf(x), { padding }),
    ];
  },
  // One workgroup per weight entry, summing over batch and space.
  wgsl: {
    kind: 'reduce',
    reuse: (c) => [(c.out[1] as number) * (c.out[2] as number), (c.out[0] as number) * (c.out[2] as number)],
    // A thread sums a block of 4 output x 4 input channels for one tap: each
    // step of the sum loads 4 + 4 values for 16 FMAs instead of 2 for 1.
    tile: (s) => {
      const [O, C] = s.out as [number, number, number];
      const Q = 4;
      if (O % Q !== 0 || C % Q !== 0) return undefined;
      return {
        size: Q * Q,
        threads: { fixed: (O / Q) * (C / Q) * (s.out[2] as number) },
        body: (c, t) => {
          const pad = paddingAttr(c.attrs, 'conv1d_w');
          const N = c.ins[0]![2] as number;
          const K = c.out[2] as number;
          const [k, cq, oq, acc, b, col] = ['k', 'cq', 'oq', 'acc', 'b', 'col'].map((x) => c.fresh(x)) as [string, string, string, string, string, string];
          const ys = [...Array(Q).keys()].map((q) => c.x(0, `(${b} * ${O}u + ${oq} * ${Q}u + ${q}u) * ${N}u + ${col}`));
          const xs = [...Array(Q).keys()].map((q) =>
            padLoadWgsl(pad, `i32(${col}) - ${leftPad(K)} + i32(${k})`, N, (j) => c.x(1, `(${b} * ${C}u + ${cq} * ${Q}u + ${q}u) * ${N}u + ${j}`)),
          );
          const stmts = [
            `let ${k} = ${t} % ${K}u; let ${cq} = (${t} / ${K}u) % ${C / Q}u; let ${oq} = ${t} / ${K * (C / Q)}u;`,
            `var ${acc}: array<vec4<f32>, ${Q}>;`,
            `for (var ${b} = 0u; ${b} < u.B; ${b}++) { for (var ${col} = 0u; ${col} < ${N}u; ${col}++) {`,
            `  let xv = vec4<f32>(${xs.join(', ')});`,
            ...ys.map((y, q) => `  ${acc}[${q}] += ${y} * xv;`),
            `} }`,
          ];
          const writes: [string, string][] = [];
          for (let q = 0; q < Q; q++)
            for (let r = 0; r < Q; r++) writes.push([`((${oq} * ${Q}u + ${q}u) * ${C}u + ${cq} * ${Q}u + ${r}u) * ${K}u + ${k}`, `${acc}[${q}][${r}]`]);
          return { stmts, writes };
        },
      };
    },
    domain: (c) => `(u.B * ${c.ins[0]![2]}u)`,
    term: (c, i, j) => {
      const p = paddingAttr(c.attrs, 'conv1d_w');
      const [, O, N] = c.ins[0] as [unknown, number, number];
      const C = c.ins[1]![1] as number;
      const K = c.out[2] as number;
      const [o, ch, k, b, col] = ['o', 'c', 'k', 'b', 'col'].map((t) => c.fresh(t)) as [string, string, string, string, string];
      const x = padLoadWgsl(p, `i32(${col}) - ${leftPad(K)} + i32(${k})`, N, (jj) => c.x(1, `(${b} * ${C}u + ${ch}) * ${N}u + ${jj}`));
      return {
        stmts: [
          `let ${o} = ${coord(c.out, 0, i)}; let ${ch} = ${coord(c.out, 1, i)}; let ${k} = ${coord(c.out, 2, i)};`,
          `let ${b} = ${j} / ${N}u; let ${col} = ${j} % ${N}u;`,
        ],
        value: `${c.x(0, `(${b} * ${O}u + ${o}) * ${N}u + ${col}`)} * ${x}`,
      };
    },
  },
};
