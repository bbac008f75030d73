// Register blocks shared by conv and its input transpose conv_t, which have
// the same form on any number of spatial axes:
//   out[b, q, r, n] = sum_{ch, t} w(q, ch, t) in[b, ch, rows(r, t), cols(n, t)]
// (conv: position s·n + d(t − ℓ); conv_t: u·n − d(t − ℓ); each reads
// through the zero insertion its upsampling or stride implies). A thread computes Q output channels
// (4, else 2, else 1) x P neighbouring points of one row of the last axis
// (8, else 4). Per inner channel and tap row it loads the inputs its points
// touch once and the Q x K weights once, for P x Q x K FMAs: at P = 8,
// Q = 4, K = 5, 32 loads for 160 FMAs, where loading per tap took 40 for 80
// (on lavapipe each loaded float costs about 40 FMAs). The rows of the
// leading axes' taps (k^(D-1) of them) are resolved once, outside the
// channel loop, so a 2-D or 3-D block differs from a 1-D one only in how
// many rows it reads.
//
// With subgroups (Target.subgroup = S lanes), the S lanes of a subgroup take
// neighbouring column blocks of the same channels, and each lane loads Q / S
// of every tap's weights, which subgroupBroadcast hands to all lanes. At
// P = 4, Q = 16, K = 5 a channel then costs 8 input and 10 weight loads for
// 320 FMAs: a 16 -> 16 channel convolution over 32 x 256 points took 0.86 ms
// on lavapipe against 2.3 ms for the register block above (0.79 ms at P = 8).
import type { Target } from '../ir/target.js';
import type { ConvGeometry } from './conv-geometry.js';
import { ruleGeometry } from './conv-geometry.js';
import type { PadTap } from './padding.js';
import { axisTap, leadingRows } from './conv-rows.js';
import type { Tile, TileCtx, TileWrite, WgslCtx } from './op.js';
import { startAt } from '../wgsl/text.js';
import { size } from './tensor.js';

interface ConvTileShape {
  g: ConvGeometry;
  /** Inner (summed) channels. */
  inner: number;
  /** The spatial sizes of the input read and of the output written. */
  from: readonly number[];
  to: readonly number[];
  /** Where tap k reads along an axis, relative to the output position (times `scale`). */
  shift(k: number): number;
  scale: 1 | 2;
  /** conv_t with stride 2: positions are the zero-inserted input's, whose odd ones read zero. */
  sparse: boolean;
  /** The weight of output channel `q`, inner channel `ch`, flat tap t (a WGSL value). */
  w(c: WgslCtx, q: string, ch: string, t: number): string;
}

/**
 * Output channels per subgroup tile, and columns per lane: 8 where the sum
 * runs over several inner channels (W2's 16 -> 16 layers on lavapipe: 0.9 ms
 * against 1.1 at 4 columns), 4 where one inner channel gives 128
 * accumulators too little work to pay for themselves (0.31 ms against 0.38).
 */
const SUBGROUP_CHANNELS = 16;
const laneColumns = (inner: number) => (inner >= 4 ? 8 : 4);

interface Layout {
  P: number;
  Q: number;
  subgroup?: number;
  /** Statements naming the thread's sample (with its row, on several axes), channel block and column block. */
  index(t: string, b: string, qb: string, cb: string, lane: string): string;
}

function registerLayout(outCh: number, N: number): Layout | undefined {
  const P = N % 8 === 0 ? 8 : N % 4 === 0 ? 4 : 0;
  const Q = outCh % 4 === 0 ? 4 : outCh % 2 === 0 ? 2 : 1;
  if (!P) return undefined;
  return {
    P,
    Q,
    index: (t, b, qb, cb) => `let ${cb} = ${t} % ${N / P}u; let ${qb} = (${t} / ${N / P}u) % ${outCh / Q}u; let ${b} = ${t} / ${(N / P) * (outCh / Q)}u;`,
  };
}

/** A subgroup's lanes hold S neighbouring column blocks; the thread index runs over lanes, column groups, channel blocks, samples. */
function subgroupLayout(outCh: number, N: number, inner: number, S: number, evenP: boolean): Layout | undefined {
  const Q = [SUBGROUP_CHANNELS, S].find((q) => q % S === 0 && outCh % q === 0);
  const P = [laneColumns(inner), 4, 2, 1].find((p) => N % (S * p) === 0 && (!evenP || p % 2 === 0));
  if (!Q || !P) return undefined;
  const groups = N / (S * P);
  return {
    P,
    Q,
    subgroup: S,
    index: (t, b, qb, cb, lane) =>
      `let ${lane} = ${t} % ${S}u; let ${cb} = ((${t} / ${S}u) % ${groups}u) * ${S}u + ${lane}; let ${qb} = (${t} / ${S * groups}u) % ${outCh / Q}u; let ${b} = ${t} / ${(N / P) * (outCh / Q)}u;`,
  };
}

/**
 * The tile of conv (input x [B, I, N…], weight [O, I, k…]) or, `transposed`,
 * of conv_t (input y [B, O, M…]), or undefined where the shapes do not
 * divide.
 */
export function convTile(s: TileCtx<'conv' | 'conv_t'>, transposed: boolean): Tile | undefined {
  const g = ruleGeometry(transposed ? 'conv_t' : 'conv', s);
  const inner = s.ins[0]![1] as number;
  const [O, I] = s.ins[1] as [number, number];
  // The weight's flat index for output channel q, inner channel ch: w[o, i, t] at (o I + i) k^D + t.
  const w = transposed ? (q: string, ch: string) => `(${ch} * ${I}u + ${q})` : (q: string, ch: string) => `(${q} * ${I}u + ${ch})`;
  return blockTile(transposed ? I : O, {
    g,
    inner,
    from: transposed ? g.M : g.N,
    to: transposed ? g.N : g.M,
    shift: transposed ? (k) => g.d * (g.left - k) : (k) => g.d * (k - g.left),
    // conv_t reads y at the stride's points, or, upsampled, at twice x's; conv reads an upsampled x zero-inserted, as conv_t a strided y.
    scale: transposed ? g.u : g.s,
    sparse: transposed ? g.s === 2 : g.u === 2,
    w: (c, q, ch, t) => c.x(1, `${w(q, ch)} * ${g.taps}u + ${t}u`),
  }, s.target);
}

/** A tile for an output of `outCh` channels, or undefined where the shapes do not divide. */
function blockTile(outCh: number, s: ConvTileShape, target: Target): Tile | undefined {
  const { g, inner, scale, sparse } = s;
  const K = g.k;
  const D = s.to.length;
  const N = s.to[D - 1]!;
  const L = (target.subgroup && subgroupLayout(outCh, N, inner, target.subgroup, sparse)) || registerLayout(outCh, N);
  if (!L) return undefined;
  const { P, Q, subgroup: S } = L;
  const shifts = [...Array(K).keys()].map(s.shift);
  // The last axis' positions a block reads, relative to its first point's; a
  // zero-inserted input's odd ones are zeros, neither loaded nor multiplied.
  const offsets = [...new Set([...Array(P).keys()].flatMap((p) => shifts.map((sh) => scale * p + sh)))].sort((a, b) => a - b);
  const lo = offsets[0]!;
  const read = (off: number) => !sparse || off % 2 === 0;
  const rows = s.to.slice(0, -1).reduce((a, n) => a * n, 1);
  const inRow = s.from[D - 1]!;
  return {
    size: P * Q,
    threads: { fixed: (outCh / Q) * (N / P) * rows, batchBlock: 1 },
    ...(S && { subgroup: S }),
    init: true,
    body: (c, t, init) => {
      const pad = g.padding;
      const [b, qb, cb, ch, lane] = ['b', 'qb', 'cb', 'ch', 'lane'].map((x) => c.fresh(x)) as [string, string, string, string, string];
      const [br, row] = D === 1 ? [b, ''] : [c.fresh('br'), c.fresh('row')];
      const acc = (q: number, p: number) => `acc_${q}_${p}`;
      const qs = [...Array(Q).keys()];
      const ps = [...Array(P).keys()];
      const channel = (q: number | string) => `(${qb} * ${Q}u + ${q}u)`;
      const lead = leadingRows(c, { padding: pad, from: s.from, to: s.to, K, shift: s.shift, scale, sparse, reach: g.d * K }, row);
      // With subgroups, lane l loads channel r * S + l of each group of S, for every tap.
      const weightLoads = (tr: number) =>
        S ? [...Array(Q / S).keys()].flatMap((r) => shifts.map((_, k) => `  let wv${r}_${tr * K + k} = ${s.w(c, `(${qb} * ${Q}u + ${r * S}u + ${lane})`, ch, tr * K + k)};`)) : [];
      const weight = (q: number, t: number) => (S ? `subgroupBroadcast(wv${Math.floor(q / S)}_${t}, ${q % S}u)` : s.w(c, channel(q), ch, t));
      // The columns' padded positions do not depend on the channel: resolved once.
      const taps = new Map(offsets.filter(read).map((off): [number, PadTap] => [off, axisTap(pad, `i32(${cb} * ${scale * P}u) + ${off}`, sparse ? N : inRow, g.d * K, c.fresh(`x${off - lo}_`), sparse)]));
      const xName = (tr: number, off: number) => (D === 1 ? `x${off - lo}` : `x${tr}_${off - lo}`);
      const plane = D === 1 ? `(${b} * ${inner}u + ${ch}) * ${inRow}u` : c.fresh('plane');
      // (The weights' loads are written first: a module names its offsets in the order they are first read.)
      const wLoads = lead.rows.map(weightLoads);
      const tapRow = (tr: number) => [
        ...[...taps].map(([off, tap]) => `  let ${xName(tr, off)} = ${tap.mask(lead.mask(tr, c.x(0, `${plane} + ${lead.at(tr)}${tap.index}`)))};`),
        ...wLoads[tr]!,
        ...qs.flatMap((q) =>
          shifts.flatMap((sh, k) => {
            const fmas = ps.filter((p) => read(scale * p + sh)).map((p) => `    ${acc(q, p)} = fma(w, ${xName(tr, scale * p + sh)}, ${acc(q, p)});`);
            return fmas.length ? [`  { let w = ${weight(q, tr * K + k)};`, ...fmas, '  }'] : [];
          }),
        ),
      ];
      const stmts = [
        L.index(t, br, qb, cb, lane),
        ...(D === 1 ? [] : [`let ${b} = ${br} / ${rows}u; let ${row} = ${br} % ${rows}u;`]),
        ...lead.stmts,
        ...[...taps.values()].flatMap((tap) => tap.stmts),
        ...(init ? startAt(init, Q, S, channel, (r) => `(${qb} * ${Q}u + ${r * S!}u + ${lane})`) : []),
        ...qs.flatMap((q) => ps.map((p) => `var ${acc(q, p)} = ${init ? `init${q}` : '0.0'};`)),
        `for (var ${ch} = 0u; ${ch} < ${inner}u; ${ch}++) {`,
        ...(D === 1 ? [] : [`  let ${plane} = (${b} * ${inner}u + ${ch}) * ${size(s.from)}u;`]),
        ...lead.rows.flatMap((_, tr) => tapRow(tr)),
        '}',
      ];
      const at = (q: number) => (D === 1 ? `(${b} * ${outCh}u + ${channel(q)}) * ${N}u` : `((${b} * ${outCh}u + ${channel(q)}) * ${rows}u + ${row}) * ${N}u`);
      const writes = qs.flatMap((q) => ps.map((p): TileWrite => [`${at(q)} + ${cb} * ${P}u + ${p}u`, acc(q, p)]));
      return { stmts, writes };
    },
  };
}
