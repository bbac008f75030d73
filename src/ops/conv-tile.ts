// Register blocks shared by conv and its input transpose conv_t on one
// spatial axis without dilation or stride, which have the same form:
//   out[b, q, i] = sum_{ch, k} w(q, ch, k) in[b, ch, i + shift(k)]
// (conv: shift k - left; conv_t: left - k). A thread computes Q output
// channels (4, else 2, else 1) x P columns (8, else 4). Per inner channel it loads the P + K - 1 inputs its
// columns touch once and the Q x K weights once, for P x Q x K FMAs: at
// P = 8, Q = 4, K = 5, 32 loads for 160 FMAs, where loading per tap took 40
// for 80 (on lavapipe each loaded float costs about 40 FMAs).
//
// With subgroups (Target.subgroup = S lanes), the S lanes of a subgroup take
// neighbouring column blocks of the same channels, and each lane loads Q / S
// of every tap's weights, which subgroupBroadcast hands to all lanes. At
// P = 4, Q = 16, K = 5 a channel then costs 8 input and 10 weight loads for
// 320 FMAs: a 16 -> 16 channel convolution over 32 x 256 points took 0.86 ms
// on lavapipe against 2.3 ms for the register block above (0.79 ms at P = 8).
import type { Target } from '../ir/target.js';
import type { Padding } from '../ir/op-attrs.js';
import { leftPad, padTap } from './padding.js';
import type { Tile, TileCtx, TileWrite, WgslCtx } from './op.js';
import { startAt } from '../wgsl/text.js';

interface ConvTileShape {
  /** Inner (summed) channels, columns, taps. */
  inner: number;
  N: number;
  K: number;
  shift(k: number): number;
  padding: Padding;
  /** The weight of output channel `q`, inner channel `ch`, tap k (a WGSL value). */
  w(c: WgslCtx, q: string, ch: string, k: number): string;
  /** Slot of the input among the op's inputs. */
  input: number;
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
  /** Statements naming the thread's sample, channel block and column block. */
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
function subgroupLayout(outCh: number, N: number, inner: number, S: number): Layout | undefined {
  const Q = [SUBGROUP_CHANNELS, S].find((q) => q % S === 0 && outCh % q === 0);
  const P = [laneColumns(inner), 4, 2, 1].find((p) => N % (S * p) === 0);
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
 * The tile of conv (input x [B, I, N], weight [O, I, K]) or, `transposed`,
 * of conv_t (input y [B, O, N]), or undefined where the shapes do not divide.
 */
export function convTile(s: TileCtx<'conv' | 'conv_t'>, transposed: boolean): Tile | undefined {
  const [, inner, N] = s.ins[0] as [unknown, number, number];
  const [O, I, K] = s.ins[1] as [number, number, number];
  // The weight's flat index for output channel q, inner channel ch: w[o, i, k] at (o I + i) K + k.
  const w = transposed ? (q: string, ch: string) => `(${ch} * ${I}u + ${q})` : (q: string, ch: string) => `(${q} * ${I}u + ${ch})`;
  return blockTile(transposed ? I : O, {
    inner,
    N,
    K,
    shift: transposed ? (k) => leftPad(K) - k : (k) => k - leftPad(K),
    padding: s.attrs.padding,
    w: (c, q, ch, k) => c.x(1, `${w(q, ch)} * ${K}u + ${k}u`),
    input: 0,
  }, s.target);
}

/** A tile for an output of `outCh` channels, or undefined where the shapes do not divide. */
function blockTile(outCh: number, s: ConvTileShape, target: Target): Tile | undefined {
  const { N, K, inner } = s;
  const L = (target.subgroup && subgroupLayout(outCh, N, inner, target.subgroup)) || registerLayout(outCh, N);
  if (!L) return undefined;
  const { P, Q, subgroup: S } = L;
  const shifts = [...Array(K).keys()].map(s.shift);
  const lo = Math.min(...shifts);
  const span = P + Math.max(...shifts) - lo;
  return {
    size: P * Q,
    threads: { fixed: (outCh / Q) * (N / P), batchBlock: 1 },
    ...(S && { subgroup: S }),
    init: true,
    body: (c, t, init) => {
      const pad = s.padding;
      const [b, qb, cb, ch, lane] = ['b', 'qb', 'cb', 'ch', 'lane'].map((x) => c.fresh(x)) as [string, string, string, string, string];
      const acc = (q: number, p: number) => `acc_${q}_${p}`;
      const qs = [...Array(Q).keys()];
      const ps = [...Array(P).keys()];
      const channel = (q: number | string) => `(${qb} * ${Q}u + ${q}u)`;
      // With subgroups, lane l loads channel r * S + l of each group of S, for every tap.
      const weightLoads = S ? [...Array(Q / S).keys()].flatMap((r) => shifts.map((_, k) => `  let wv${r}_${k} = ${s.w(c, `(${qb} * ${Q}u + ${r * S}u + ${lane})`, ch, k)};`)) : [];
      const weight = (q: number, k: number) => (S ? `subgroupBroadcast(wv${Math.floor(q / S)}_${k}, ${q % S}u)` : s.w(c, channel(q), ch, k));
      // The columns' padded positions do not depend on the channel: resolved once.
      const taps = [...Array(span).keys()].map((j) => padTap(pad, `i32(${cb} * ${P}u) + ${j + lo}`, N, K, c.fresh(`x${j}_`)));
      const stmts = [
        L.index(t, b, qb, cb, lane),
        ...taps.flatMap((tap) => tap.stmts),
        ...(init ? startAt(init, Q, S, channel, (r) => `(${qb} * ${Q}u + ${r * S!}u + ${lane})`) : []),
        ...qs.flatMap((q) => ps.map((p) => `var ${acc(q, p)} = ${init ? `init${q}` : '0.0'};`)),
        `for (var ${ch} = 0u; ${ch} < ${inner}u; ${ch}++) {`,
        ...taps.map((tap, j) => `  let x${j} = ${tap.mask(c.x(s.input, `(${b} * ${inner}u + ${ch}) * ${N}u + ${tap.index}`))};`),
        ...weightLoads,
        ...qs.flatMap((q) =>
          shifts.flatMap((sh, k) => [
            `  { let w = ${weight(q, k)};`,
            ...ps.map((p) => `    ${acc(q, p)} = fma(w, x${p + sh - lo}, ${acc(q, p)});`),
            '  }',
          ]),
        ),
        '}',
      ];
      const writes = qs.flatMap((q) => ps.map((p): TileWrite => [`(${b} * ${outCh}u + ${channel(q)}) * ${N}u + ${cb} * ${P}u + ${p}u`, acc(q, p)]));
      return { stmts, writes };
    },
  };
}
