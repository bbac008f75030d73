// The register block of conv_w on one spatial axis without dilation or
// stride (the 1-D convolutions' weight gradient, measured on lavapipe): a
// thread sums a block of Qo output x Qc input channels over all K taps,
// walking the columns with a window of the last K inputs per channel in
// registers: each column loads Qo + Qc values for Qo*Qc*K FMAs (8 for 80 at
// 4 x 2 x 5, where one tap per thread loaded 8 for 16).
import type { Tile, TileCtx, TileWrite } from './op.js';
import { broadcastLoads } from '../wgsl/text.js';
import { leftPad, padLoadWgsl } from './padding.js';

const MIN_THREADS = 32;
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
// small machine get work.
function registerLayout(O: number, C: number): Layout {
  let [Qo, Qc] = [block(O), block(C)];
  while ((O / Qo) * (C / Qc) < MIN_THREADS && Qo * Qc > 1) {
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
function subgroupLayout(O: number, C: number, S: number): Layout | undefined {
  const Qo = SUBGROUP_OUTPUTS;
  if (C % S !== 0 || O % Qo !== 0 || Qo % S !== 0) return undefined;
  return {
    Qo,
    Qc: 1,
    subgroup: S,
    threads: (O / Qo) * C,
    index: (t, oq, cq, lane) => `let ${lane} = ${t} % ${S}u; let ${cq} = (${t} / ${S}u) % ${C / S}u; let ${oq} = ${t} / ${C}u;`,
    channel: (cq, lane) => `(${cq} * ${S}u + ${lane})`,
  };
}

/** The block for a weight [O, C, K] of a plain 1-D convolution, or undefined where it would be too small. */
export function convWTile(s: TileCtx<'conv_w'>): Tile | undefined {
  const [O, C, K] = s.out as [number, number, number];
  const L = (s.target.subgroup && subgroupLayout(O, C, s.target.subgroup)) || registerLayout(O, C);
  if (L.Qo * L.Qc * K < 4) return undefined;
  const { Qo, Qc, subgroup: S } = L;
  return {
    size: Qo * Qc * K,
    threads: { fixed: L.threads },
    ...(S && { subgroup: S }),
    channelSums: true,
    body: (c, t, _init, channelSums) => {
      const pad = s.attrs.padding;
      const N = c.ins[0]![2] as number;
      const left = leftPad(K);
      const [oq, cq, b, col, lane] = ['oq', 'cq', 'b', 'col', 'lane'].map((x) => c.fresh(x)) as [string, string, string, string, string];
      const acc = (q: number, r: number, k: number) => `acc_${q}_${r}_${k}`;
      const win = (r: number, k: number) => `w_${r}_${k}`;
      const xAt = (r: number, pos: string) => padLoadWgsl(pad, pos, N, K, (j) => c.x(1, `(${b} * ${C}u + ${L.channel(cq, lane, r)}) * ${N}u + ${j}`));
      const qs = [...Array(Qo).keys()];
      // The output channels whose cotangents this thread loads itself.
      const yOwn = S ? [...Array(Qo / S).keys()].map((m) => `(${oq} * ${Qo}u + ${m * S}u + ${lane})`) : qs.map((q) => `(${oq} * ${Qo}u + ${q}u)`);
      const rs = [...Array(Qc).keys()];
      const ks = [...Array(K).keys()];
      // One column: load its input into the window's end and its cotangents, add the products, slide the window.
      const column = (at: string) => {
        const yAt = (o: string) => c.x(0, `(${b} * ${O}u + ${o}) * ${N}u + ${at}`);
        // With subgroups, lane l loads output channel m * S + l of each group of S and broadcasts it.
        const yLoads = S ? broadcastLoads(S, Qo, 'y', (m) => yAt(yOwn[m]!)) : yOwn.map((o, q) => `let y${q} = ${yAt(o)};`);
        // The channel sums add each loaded cotangent: a lane's own with subgroups.
        const sums = channelSums ? yOwn.map((_, m) => `ys${m} += ${S ? 'yv' : 'y'}${m};`) : [];
        return [
          `    {`,
          ...rs.map((r) => `let ${win(r, K - 1)} = ${xAt(r, `i32(${at}) + ${K - 1 - left}`)};`),
          ...yLoads,
          ...sums,
          ...qs.flatMap((q) => rs.flatMap((r) => ks.map((k) => `${acc(q, r, k)} = fma(y${q}, ${win(r, k)}, ${acc(q, r, k)});`))),
          ...rs.flatMap((r) => ks.slice(0, -1).map((k) => `${win(r, k)} = ${win(r, k + 1)};`)),
          `}`,
        ].join('\n      ');
      };
      // Columns unrolled by UNROLL: lavapipe's loop bookkeeping cost a third of the time (1.2 -> 0.83 ms for W2's 16 x 16 layer).
      const U = [UNROLL, 2, 1].find((u) => N % u === 0)!;
      const stmts = [
        L.index(t, oq, cq, lane),
        ...qs.flatMap((q) => rs.flatMap((r) => ks.map((k) => `var ${acc(q, r, k)} = 0.0;`))),
        ...(channelSums ? yOwn.map((_, m) => `var ys${m} = 0.0;`) : []),
      ];
      const sum = [
        `for (var ${b} = 0u; ${b} < u.B; ${b}++) {`,
        // The window before column 0: positions -left .. K-2-left.
        ...rs.flatMap((r) => ks.slice(0, -1).map((k) => `  var ${win(r, k)} = ${xAt(r, String(k - left))};`)),
        `  for (var ${col} = 0u; ${col} < ${N}u; ${col} += ${U}u) {`,
        ...[...Array(U).keys()].map((u) => column(u ? `(${col} + ${u}u)` : col)),
        `  }`,
        `}`,
      ];
      const writes: TileWrite[] = qs.flatMap((q) =>
        rs.flatMap((r) => ks.map((k): TileWrite => [`((${oq} * ${Qo}u + ${q}u) * ${C}u + ${L.channel(cq, lane, r)}) * ${K}u + ${k}u`, acc(q, r, k)])),
      );
      // Every input-channel block sums the same cotangents; the first writes them.
      const channelWrites = channelSums ? yOwn.map((o, m): TileWrite => [o, `ys${m}`, `${cq} == 0u`]) : undefined;
      return { stmts, sum, writes, ...(channelWrites && { channelWrites }) };
    },
  };
}
