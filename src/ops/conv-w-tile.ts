// The register block of conv_w, the convolutions' weight gradient, on any
// number of spatial axes, with any dilation, stride or upsampling: a thread sums a block
// of Qo output x Qc input channels over all k^D taps, walking each row of the
// last axis with a window of the inputs its taps read in registers. A window
// spans d(k-1)+1 positions; each column slides it by the stride, loading
// only the positions that enter, so a column loads Qo + Qc·s·k^(D-1) values
// for Qo·Qc·k^D FMAs (1-D, 4 x 2 x 5: 6 for 40, where one tap per thread
// loaded 8 for 16; 2-D 4 x 2 x 3²: 10 for 72).
import type { Tile, TileCtx, TileWrite } from './op.js';
import { ruleGeometry } from './conv-geometry.js';
import { leadingRows } from './conv-rows.js';
import { broadcastLoads } from '../wgsl/text.js';
import { padLoadWgsl } from './padding.js';
import { size } from './tensor.js';

const MIN_THREADS = 32;
/** Accumulators a thread may hold: a 4 x 4 x 5 block of W2's 1-D layers, the largest measured to pay. */
const MAX_ACCUMULATORS = 80;
/** Output channels a subgroup thread sums for, broadcast across its lanes. */
const SUBGROUP_OUTPUTS = 8;
/** Columns per iteration of the column loop. */
const UNROLL = 4;

/** The largest of 4, 2, 1 that divides n. */
function block(n: number): number {
  return n % 4 === 0 ? 4 : n % 2 === 0 ? 2 : 1;
}

/** How threads split the weight: Qo output x Qc input channels each. */
interface Layout {
  Qo: number;
  Qc: number;
  threads: number;
  subgroup?: number;
  /** Statements naming the thread's output block `oq` and input block `cq`. */
  index(t: string, oq: string, cq: string, lane: string): string;
  /** Input channel r of the thread's block. */
  channel(cq: string, lane: string, r: number): string;
}

// Blocks shrink until there are MIN_THREADS threads, so that both cores of a
// small machine get work, and until their accumulators fit.
function registerLayout(O: number, C: number, taps: number): Layout {
  let [Qo, Qc] = [block(O), block(C)];
  while (((O / Qo) * (C / Qc) < MIN_THREADS || Qo * Qc * taps > MAX_ACCUMULATORS) && Qo * Qc > 1) {
    if (Qc >= Qo) Qc /= 2;
    else Qo /= 2;
  }
  return {
    Qo,
    Qc,
    threads: (O / Qo) * (C / Qc),
    index: (t, oq, cq) => `let ${cq} = ${t} % ${C / Qc}u; let ${oq} = ${t} / ${C / Qc}u;`,
    channel: (cq, _, r) => `(${cq} * ${Qc}u + ${r}u)`,
  };
}

/**
 * Lanes over input channels, one each; the thread's SUBGROUP_OUTPUTS output
 * channels come by broadcast, so a column costs a lane 2 loads for 8 K FMAs
 * (W2's 16 x 16 x 5 weight gradient: 1.1 to 1.3 ms on lavapipe, against 2.0 ms).
 */
function subgroupLayout(O: number, C: number, S: number, taps: number): Layout | undefined {
  const Qo = SUBGROUP_OUTPUTS;
  if (C % S !== 0 || O % Qo !== 0 || Qo % S !== 0 || Qo * taps > MAX_ACCUMULATORS) return undefined;
  return {
    Qo,
    Qc: 1,
    subgroup: S,
    threads: (O / Qo) * C,
    index: (t, oq, cq, lane) => `let ${lane} = ${t} % ${S}u; let ${cq} = (${t} / ${S}u) % ${C / S}u; let ${oq} = ${t} / ${C}u;`,
    channel: (cq, lane) => `(${cq} * ${S}u + ${lane})`,
  };
}

/** The block for a weight [O, C, k…], or undefined where it would be too small. */
export function convWTile(s: TileCtx<'conv_w'>): Tile | undefined {
  const g = ruleGeometry('conv_w', s);
  const [O, C] = s.out as [number, number];
  const K = g.k;
  const taps = g.taps;
  const L = (s.target.subgroup && subgroupLayout(O, C, s.target.subgroup, taps)) || registerLayout(O, C, taps);
  if (L.Qo * L.Qc * taps < 4) return undefined;
  const { Qo, Qc, subgroup: S } = L;
  const D = g.N.length;
  // The last axis: the cotangent's points (M) and the window's positions on X, s·n − dℓ + j for j < W.
  const M = g.M[D - 1]!;
  const X = g.X[D - 1]!;
  // Upsampled, X's odd points are zeros: with columns taken from an even one
  // (U even), entry j of a column of parity p is one exactly when p + j − dℓ
  // is odd, so it is neither loaded nor multiplied.
  const zero = (p: number, j: number) => g.u === 2 && (((p + j - g.d * g.left) % 2) + 2) % 2 === 1;
  const W = g.d * (K - 1) + 1;
  const enter = Math.max(0, W - g.s);
  const rows = size(g.M.slice(0, -1));
  return {
    size: Qo * Qc * taps,
    threads: { fixed: L.threads },
    ...(S && { subgroup: S }),
    channelSums: true,
    body: (c, t, _init, channelSums) => {
      const pad = g.padding;
      const [oq, cq, b, col, lane] = ['oq', 'cq', 'b', 'col', 'lane'].map((x) => c.fresh(x)) as [string, string, string, string, string];
      const row = D === 1 ? '' : c.fresh('row');
      const acc = (q: number, r: number, tap: number) => `acc_${q}_${r}_${tap}`;
      const win = (r: number, tr: number, j: number) => (D === 1 ? `w_${r}_${j}` : `w_${r}_${tr}_${j}`);
      const lead = leadingRows(c, { padding: pad, from: g.N, to: g.M, K, shift: (k) => g.d * (k - g.left), scale: g.s, sparse: g.u === 2, reach: g.d * K }, row);
      const point = (j: string) => (g.u === 1 ? j : `(${j} >> 1u)`);
      const xAt = (r: number, tr: number, pos: string) =>
        lead.mask(tr, padLoadWgsl(pad, pos, X, g.d * K, (j) => c.x(1, `(${b} * ${C}u + ${L.channel(cq, lane, r)}) * ${size(g.N)}u + ${lead.at(tr)}${point(j)}`)));
      // Window entry j of column `at`: position s·at − dℓ + j.
      const position = (at: string, j: number) => {
        const off = j - g.d * g.left;
        const base = g.s === 1 ? `i32(${at})` : `i32(${at} * ${g.s}u)`;
        return off === 0 ? base : `${base} + ${off}`;
      };
      const qs = [...Array(Qo).keys()];
      // The output channels whose cotangents this thread loads itself.
      const yOwn = S ? [...Array(Qo / S).keys()].map((m) => `(${oq} * ${Qo}u + ${m * S}u + ${lane})`) : qs.map((q) => `(${oq} * ${Qo}u + ${q}u)`);
      const rs = [...Array(Qc).keys()];
      const ks = [...Array(K).keys()];
      const trs = lead.rows;
      const js = [...Array(W).keys()];
      const yRow = D === 1 ? '' : `${row} * ${M}u + `;
      // One column: load the window's entering positions and the cotangents, add the products, slide the window.
      const column = (at: string, p: number) => {
        const yAt = (o: string) => c.x(0, `(${b} * ${O}u + ${o}) * ${size(g.M)}u + ${yRow}${at}`);
        // With subgroups, lane l loads output channel m * S + l of each group of S and broadcasts it.
        const yLoads = S ? broadcastLoads(S, Qo, 'y', (m) => yAt(yOwn[m]!)) : yOwn.map((o, q) => `let y${q} = ${yAt(o)};`);
        // The channel sums add each loaded cotangent: a lane's own with subgroups.
        const sums = channelSums ? yOwn.map((_, m) => `ys${m} += ${S ? 'yv' : 'y'}${m};`) : [];
        return [
          `    {`,
          ...rs.flatMap((r) => trs.flatMap((tr) => js.slice(enter).filter((j) => !zero(p, j)).map((j) => `let ${win(r, tr, j)} = ${xAt(r, tr, position(at, j))};`))),
          ...yLoads,
          ...sums,
          ...qs.flatMap((q) => rs.flatMap((r) => trs.flatMap((tr) => ks.filter((k) => !zero(p, g.d * k)).map((k) => `${acc(q, r, tr * K + k)} = fma(y${q}, ${win(r, tr, g.d * k)}, ${acc(q, r, tr * K + k)});`)))),
          ...rs.flatMap((r) => trs.flatMap((tr) => js.slice(0, enter).filter((j) => !zero(p, j + g.s)).map((j) => `${win(r, tr, j)} = ${win(r, tr, j + g.s)};`))),
          `}`,
        ].join('\n      ');
      };
      // Columns unrolled by UNROLL: lavapipe's loop bookkeeping cost a third of the time (1.2 -> 0.83 ms for W2's 16 x 16 layer).
      const U = [UNROLL, 2, 1].find((u) => M % u === 0)!;
      const stmts = [
        L.index(t, oq, cq, lane),
        ...qs.flatMap((q) => rs.flatMap((r) => [...Array(taps).keys()].map((tap) => `var ${acc(q, r, tap)} = 0.0;`))),
        ...(channelSums ? yOwn.map((_, m) => `var ys${m} = 0.0;`) : []),
      ];
      // A row of the last axis: the window before column 0 (the entries that do not enter at it), then the columns.
      const walk = [
        ...lead.stmts.map((l) => `  ${l}`),
        ...rs.flatMap((r) => trs.flatMap((tr) => js.slice(0, enter).map((j) => `  var ${win(r, tr, j)} = ${zero(0, j) ? '0.0' : xAt(r, tr, String(j - g.d * g.left))};`))),
        `  for (var ${col} = 0u; ${col} < ${M}u; ${col} += ${U}u) {`,
        ...[...Array(U).keys()].map((u) => column(u ? `(${col} + ${u}u)` : col, u % 2)),
        `  }`,
      ];
      const sum = [
        `for (var ${b} = 0u; ${b} < u.B; ${b}++) {`,
        ...(D === 1 ? walk : [`  for (var ${row} = 0u; ${row} < ${rows}u; ${row}++) {`, ...walk, '  }']),
        `}`,
      ];
      const writes: TileWrite[] = qs.flatMap((q) =>
        rs.flatMap((r) => [...Array(taps).keys()].map((tap): TileWrite => [`((${oq} * ${Qo}u + ${q}u) * ${C}u + ${L.channel(cq, lane, r)}) * ${taps}u + ${tap}u`, acc(q, r, tap)])),
      );
      // Every input-channel block sums the same cotangents; the first writes them.
      const channelWrites = channelSums ? yOwn.map((o, m): TileWrite => [o, `ys${m}`, `${cq} == 0u`]) : undefined;
      return { stmts, sum, writes, ...(channelWrites && { channelWrites }) };
    },
  };
}
