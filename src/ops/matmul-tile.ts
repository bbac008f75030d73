// Register blocks for the dense family, which are all matrix products
//   out[m, n] = sum_k a(m, k) b(n, k):
// a thread computes TM x TN outputs, so each step of the sum loads TM + TN
// values for TM * TN FMAs. On lavapipe every loaded float costs about as
// much as 40 FMAs (vec4 loads cost as much as four scalar ones), so this is
// what makes a dense layer fast there. 8 x 8 blocks ran 25% faster than
// 4 x 4 and take lavapipe about 2.5x longer to compile; with one pipeline per
// layer rather than per time step (wgsl.ts, OFFSETS_BINDING) that is 23 s
// for W4 with an empty shader cache, against 57 s before.
import type { Dim } from '../ir/graph.js';
import type { Tile, TileWrite, WgslCtx } from './op.js';
import { dimExpr } from './op.js';

export interface Matmul {
  /** Rows and columns of the output; rows may be the batch. */
  M: Dim;
  N: number;
  /** Length of the sum; may be the batch. */
  K: Dim;
  a(c: WgslCtx, m: string, k: string): string;
  b(c: WgslCtx, n: string, k: string): string;
  out(m: string, n: string): string;
}

const BLOCK = 8;

/** The block along an axis of `size`: BLOCK if it divides, a small axis whole, else undefined. */
function block(size: Dim): number | undefined {
  if (size === 'B') return BLOCK;
  for (const t of [BLOCK, 4, 2]) if (size % t === 0) return t;
  return size <= BLOCK ? size : undefined;
}

export function matmulTile(mm: Matmul): Tile | undefined {
  const [TM, TN] = [block(mm.M), block(mm.N)];
  if (!TM || !TN || TM * TN < 4) return undefined;
  const nb = mm.N / TN;
  const batchRows = mm.M === 'B';
  return {
    size: TM * TN,
    threads: batchRows ? { fixed: nb, batchBlock: TM } : { fixed: (mm.M as number / TM) * nb },
    body: (c, t) => {
      const [mq, nq, k, acc] = ['mq', 'nq', 'k', 'acc'].map((x) => c.fresh(x)) as [string, string, string, string];
      const rows = [...Array(TM).keys()].map((i) => c.fresh(`m${i}`));
      const cols = [...Array(TN).keys()].map((j) => c.fresh(`n${j}`));
      const stmts = [
        `let ${nq} = ${t} % ${nb}u; let ${mq} = ${t} / ${nb}u;`,
        // Rows past the batch read the last row; their results are not written.
        ...rows.map((r, i) => `let ${r} = ${batchRows ? `min(${mq} * ${TM}u + ${i}u, u.B - 1u)` : `${mq} * ${TM}u + ${i}u`};`),
        ...cols.map((n, j) => `let ${n} = ${nq} * ${TN}u + ${j}u;`),
        `var ${acc}: array<array<f32, ${TN}>, ${TM}>;`,
        `for (var ${k} = 0u; ${k} < ${dimExpr(mm.K)}; ${k}++) {`,
        ...rows.map((r, i) => `  let a${i} = ${mm.a(c, r, k)};`),
        ...cols.map((n, j) => `  let b${j} = ${mm.b(c, n, k)};`),
        ...rows.flatMap((_, i) => cols.map((_, j) => `  ${acc}[${i}][${j}] = fma(a${i}, b${j}, ${acc}[${i}][${j}]);`)),
        `}`,
      ];
      const writes: TileWrite[] = rows.flatMap((r, i) =>
        cols.map((n, j): TileWrite => (batchRows ? [mm.out(r, n), `${acc}[${i}][${j}]`, `${mq} * ${TM}u + ${i}u < u.B`] : [mm.out(r, n), `${acc}[${i}][${j}]`])),
      );
      return { stmts, writes };
    },
  };
}
