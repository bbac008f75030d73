// Register blocks for the dense family, which are all matrix products
//   out[m, n] = sum_k a(m, k) b(n, k):
// a thread computes TM x TN outputs, so each step of the sum loads TM + TN
// values for TM * TN FMAs. On lavapipe every loaded float costs about as
// much as 40 FMAs (vec4 loads cost as much as four scalar ones), so this is
// what makes a dense layer fast there. 8 x 8 blocks ran 25% faster than
// 4 x 4 and take lavapipe about 2.5x longer to compile; with one pipeline per
// layer rather than per time step (codegen/wgsl.ts, groupModules) that is 23 s
// for W4 with an empty shader cache, against 57 s before.
//
// With subgroups (Target.subgroup = S lanes), the lanes of a subgroup take
// S different rows and share their TN columns: each lane loads TN / S of the
// b values and subgroupBroadcast hands every lane all TN. A step then loads
// TM + TN / S values per thread instead of TM + TN. On lavapipe, at TM = 4
// and TN = 16, a 256 x 64 x 64 product took 0.15 ms against 0.28 ms for
// the 8 x 8 block.
import type { Target } from '../ir/target.js';
import type { Dim } from '../ir/graph.js';
import type { Tile, TileWrite, WgslCtx } from './op.js';
import { broadcastLoads, dimExpr, startAt } from '../wgsl/text.js';

export interface Matmul {
  /** Rows and columns of the output; rows may be the batch. */
  M: Dim;
  N: number;
  /** Length of the sum; may be the batch. */
  K: Dim;
  a(c: WgslCtx, m: string, k: string): string;
  b(c: WgslCtx, n: string, k: string): string;
  out(m: string, n: string): string;
  /** Whether a(m, k) is input 0 at channel m: then the block can also sum a over k (Tile.channelSums). */
  channelRows?: boolean;
}

const BLOCK = 8;
/** Rows per lane and columns per subgroup-broadcast block. */
const LANE_ROWS = 4;
const SUBGROUP_COLUMNS = 16;
/** Steps of the sum per loop iteration: 2 took W4's 64 x 64 products from 0.16 to 0.145 ms; 4 compiled slower for little more. */
const UNROLL = 2;
/** Longest sum written out whole. */
const STRAIGHT = 8;

/** The block along an axis of `size`: BLOCK if it divides, a small axis whole, else undefined. */
function block(size: Dim): number | undefined {
  if (size === 'B') return BLOCK;
  for (const t of [BLOCK, 4, 2]) if (size % t === 0) return t;
  return size <= BLOCK ? size : undefined;
}

/** How a tile's threads split the output: which rows and columns thread t holds, and how it gets the b values. */
interface Layout {
  TM: number;
  TN: number;
  threads: Tile['threads'];
  subgroup?: number;
  /** Statements naming the block's indices, given the thread index. */
  index(t: string, mq: string, nq: string, lane: string): string;
  /** Row i of the thread's block (before clamping to the batch). */
  row(mq: string, lane: string, i: number): string;
}

function registerLayout(mm: Matmul): Layout | undefined {
  const [TM, TN] = [block(mm.M), block(mm.N)];
  if (!TM || !TN || TM * TN < 4) return undefined;
  const nb = mm.N / TN;
  return {
    TM,
    TN,
    threads: mm.M === 'B' ? { fixed: nb, batchBlock: TM } : { fixed: (mm.M / TM) * nb },
    index: (t, mq, nq) => `let ${nq} = ${t} % ${nb}u; let ${mq} = ${t} / ${nb}u;`,
    row: (mq, _, i) => `(${mq} * ${TM}u + ${i}u)`,
  };
}

/** Lanes over rows (S * TM per subgroup, lane-interleaved), broadcast over TN columns. */
function subgroupLayout(mm: Matmul, S: number): Layout | undefined {
  const TN = [SUBGROUP_COLUMNS, S].find((q) => q % S === 0 && mm.N % q === 0);
  const TM = mm.M === 'B' ? LANE_ROWS : [LANE_ROWS, 2, 1].find((p) => (mm.M as number) % (S * p) === 0);
  if (!TN || !TM) return undefined;
  const nb = mm.N / TN;
  return {
    TM,
    TN,
    subgroup: S,
    threads: mm.M === 'B' ? { fixed: nb * S, batchBlock: S * TM } : { fixed: (mm.M / (S * TM)) * nb * S },
    index: (t, mq, nq, lane) => `let ${lane} = ${t} % ${S}u; let ${nq} = (${t} / ${S}u) % ${nb}u; let ${mq} = ${t} / ${S * nb}u;`,
    row: (mq, lane, i) => `(${mq} * ${S * TM}u + ${i * S}u + ${lane})`,
  };
}

export function matmulTile(mm: Matmul, target: Target): Tile | undefined {
  const L = (target.subgroup && subgroupLayout(mm, target.subgroup)) || registerLayout(mm);
  if (!L) return undefined;
  const { TM, TN, subgroup: S } = L;
  const batchRows = mm.M === 'B';
  return {
    size: TM * TN,
    threads: L.threads,
    ...(S && { subgroup: S }),
    init: true,
    ...(mm.channelRows && { channelSums: true }),
    body: (c, t, init, channelSums) => {
      const [mq, nq, k, acc, lane] = ['mq', 'nq', 'k', 'acc', 'lane'].map((x) => c.fresh(x)) as [string, string, string, string, string];
      const rows = [...Array(TM).keys()].map((i) => c.fresh(`m${i}`));
      const cols = [...Array(TN).keys()];
      const col = (j: number) => `(${nq} * ${TN}u + ${j}u)`;
      // Step u of an unrolled stretch: its a and b values, named with suffix _u.
      // With subgroups, lane l loads column r * S + l of each group of S and broadcasts it.
      const loads = (u: number) => {
        const at = u ? `(${k} + ${u}u)` : k;
        const bs = S
          ? broadcastLoads(S, TN, 'b', (r) => mm.b(c, `(${nq} * ${TN}u + ${r * S}u + ${lane})`, at), `_${u}`)
          : cols.map((j) => `let b${j}_${u} = ${mm.b(c, col(j), at)};`);
        return [...rows.map((r, i) => `let a${i}_${u} = ${mm.a(c, r, at)};`), ...bs];
      };
      // n steps of the sum; each output's FMAs chain in one expression, so
      // that it is written once per stretch (inside a loop lavapipe masks
      // every write to a variable: an extra load and blend per write).
      const steps = (n: number) => {
        const us = [...Array(n).keys()];
        const fmas = rows.flatMap((_, i) => cols.map((j) => `${acc}[${i}][${j}] = ${us.reduce((e, u) => `fma(a${i}_${u}, b${j}_${u}, ${e})`, `${acc}[${i}][${j}]`)};`));
        const rowSums = channelSums ? rows.map((_, i) => `${acc}_r${i} = ${[`${acc}_r${i}`, ...us.map((u) => `a${i}_${u}`)].join(' + ')};`) : [];
        return [...us.flatMap(loads), ...fmas, ...rowSums].map((x) => `  ${x}`);
      };
      const K = dimExpr(mm.K);
      const tail = mm.K === 'B' || mm.K % UNROLL !== 0;
      const stmts = [
        L.index(t, mq, nq, lane),
        // Rows past the batch read the last row; their results are not written.
        ...rows.map((r, i) => `let ${r} = ${batchRows ? `min(${L.row(mq, lane, i)}, u.B - 1u)` : L.row(mq, lane, i)};`),
        `var ${acc}: array<array<f32, ${TN}>, ${TM}>;`,
        ...(init ? startAt(init, TN, S, col, (r) => `(${nq} * ${TN}u + ${r * S!}u + ${lane})`) : []),
        ...(init ? rows.flatMap((_, i) => cols.map((j) => `${acc}[${i}][${j}] = init${j};`)) : []),
        ...(channelSums ? rows.map((_, i) => `var ${acc}_r${i} = 0.0;`) : []),
      ];
      // A short fixed sum runs straight through, with no loop to mask it.
      const sum = typeof mm.K === 'number' && mm.K <= STRAIGHT ? [`let ${k} = 0u;`, ...steps(mm.K)] : [
        `var ${k} = 0u;`,
        `for (; ${k} + ${UNROLL - 1}u < ${K}; ${k} += ${UNROLL}u) {`,
        ...steps(UNROLL),
        `}`,
        ...(tail ? [`for (; ${k} < ${K}; ${k}++) {`, ...steps(1), `}`] : []),
      ];
      const writes: TileWrite[] = rows.flatMap((r, i) =>
        cols.map((j): TileWrite => (batchRows ? [mm.out(r, col(j)), `${acc}[${i}][${j}]`, `${L.row(mq, lane, i)} < u.B`] : [mm.out(r, col(j)), `${acc}[${i}][${j}]`])),
      );
      // Every column block sums the same rows; the first writes them.
      const channelWrites = channelSums ? rows.map((r, i): TileWrite => [r, `${acc}_r${i}`, `${nq} == 0u`]) : undefined;
      return { stmts, sum, writes, ...(channelWrites && { channelWrites }) };
    },
  };
}
