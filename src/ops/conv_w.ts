// The transpose of conv in its weight: the correlation of the output
// cotangent y [B, O, M…] with the input x [B, I, N…], summed over batch and
// space, -> [O, I, k…] (attr k: the kernel size, which the shape needs),
//   w[o,i,t] = Σ_{b,n} y[b,o,n] x̃[b,i, s·n + d·(t − ℓ)].
import { convGeometry, convShape, convVjp, plain1d, ruleGeometry, tapTable } from './conv-geometry.js';
import { convWTerm } from './conv-loops.js';
import { convWTile } from './conv-w-tile.js';
import type { OpDef, WgslCtx } from './op.js';
import { coord } from '../wgsl/text.js';
import { leftPad, padLoadWgsl } from './padding.js';
import { tensor } from './tensor.js';

export const conv_w: OpDef<'conv_w'> = {
  name: 'conv_w',
  shape: convShape('conv_w'),
  eval([y, x], attrs, shape) {
    const [B, O] = y!.shape as [number, number];
    const I = x!.shape[1]!;
    const g = convGeometry(attrs, x!.shape.slice(2), attrs.k);
    const taps = tapTable(g);
    const K = g.taps;
    const out = tensor(shape);
    for (let o = 0; o < O; o++)
      for (let i = 0; i < I; i++)
        for (let t = 0; t < K; t++) {
          let acc = 0;
          for (let b = 0; b < B; b++)
            for (let n = 0; n < g.ny; n++) {
              const m = taps[n * K + t]!;
              if (m >= 0) acc += y!.data[(b * O + o) * g.ny + n]! * x!.data[(b * I + i) * g.nx + m]!;
            }
          out.data[(o * I + i) * K + t] = acc;
        }
    return out;
  },
  vjp: convVjp,
  // A multiply and an add per weight entry, sample and output point whose tap reads a point of x (upsampled: one in u on each axis).
  flops: (c) => [2 / ruleGeometry('conv_w', c).u ** (c.out.length - 2), 'B', ...c.ins[0]!.slice(2)],
  wgsl: {
    kind: 'reduce',
    reuse: (c) => {
      const taps = ruleGeometry('conv_w', c).taps;
      return [(c.out[1] as number) * taps, (c.out[0] as number) * taps];
    },
    tile: convWTile,
    domain: (c) => ['B', ...c.ins[0]!.slice(2)],
    term: (c, i, j) => {
      const g = ruleGeometry('conv_w', c);
      return plain1d(g) ? term1d(c, i, j) : convWTerm(c, i, j, g);
    },
  },
};

function term1d(c: WgslCtx<'conv_w'>, i: string, j: string): { stmts: string[]; value: string } {
  const p = c.attrs.padding;
  const [, O, N] = c.ins[0] as [unknown, number, number];
  const C = c.ins[1]![1] as number;
  const K = c.out[2] as number;
  const [o, ch, k, b, col] = ['o', 'c', 'k', 'b', 'col'].map((t) => c.fresh(t)) as [string, string, string, string, string];
  const x = padLoadWgsl(p, `i32(${col}) - ${leftPad(K)} + i32(${k})`, N, K, (jj) => c.x(1, `(${b} * ${C}u + ${ch}) * ${N}u + ${jj}`));
  return {
    stmts: [
      `let ${o} = ${coord(c.out, 0, i)}; let ${ch} = ${coord(c.out, 1, i)}; let ${k} = ${coord(c.out, 2, i)};`,
      `let ${b} = ${j} / ${N}u; let ${col} = ${j} % ${N}u;`,
    ],
    value: `${c.x(0, `(${b} * ${O}u + ${o}) * ${N}u + ${col}`)} * ${x}`,
  };
}
