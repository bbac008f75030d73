// The transpose of conv1d in its weight: the correlation of the output
// cotangent y [B, Cout, N] with the input x [B, Cin, N], summed over batch
// and space, -> [Cout, Cin, k] (attr k: the kernel size),
//   out[o,c,k] = sum_{b,i} y[b,o,i] x[b,c,i - left + k].
import type { Shape } from '../ir/graph.js';
import { shapeText } from '../ir/graph.js';
import { sizeDim, whole } from './attrs.js';
import type { OpDef } from './op.js';
import type { TileWrite } from './op.js';
import { expectArity, ShapeError } from './op.js';
import { broadcastLoads, coord } from '../wgsl/text.js';
import { leftPad, padIndex, padLoadWgsl } from './padding.js';
import { tensor } from './tensor.js';

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

export const conv1d_w: OpDef<'conv1d_w'> = {
  name: 'conv1d_w',
  shape(inputs, attrs) {
    expectArity(inputs, 2, 'conv1d_w');
    const k = whole(attrs.k, 'k', 'conv1d_w');
    const [y, x] = inputs as [Shape, Shape];
    if (y.length !== 3 || x.length !== 3 || y[0] !== x[0] || y[2] !== x[2] || k < 1)
      throw new ShapeError(`conv1d_w needs y [B,Cout,N], x [B,Cin,N] and k >= 1, got ${shapeText(y)}, ${shapeText(x)}, k ${k}`);
    return [sizeDim(y, 1, 'conv1d_w'), sizeDim(x, 1, 'conv1d_w'), k];
  },
  eval([y, x], { padding: p }, shape) {
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
    const { padding } = n.attrs;
    return [
      b.add(`d.${n.id}.y`, 'conv1d', [x, cot], b.shapeOf(y), { padding }),
      b.add(`d.${n.id}.x`, 'conv1d_t', [y, cot], b.shapeOf(x), { padding }),
    ];
  },
  // One workgroup per weight entry, summing over batch and space.
  flops: (c) => [2, 'B', c.ins[0]![2]!],
  wgsl: {
    kind: 'reduce',
    reuse: (c) => [(c.out[1] as number) * (c.out[2] as number), (c.out[0] as number) * (c.out[2] as number)],
    // A thread sums a block of Qo output x Qc input channels over all K
    // taps, walking the columns with a window of the last K inputs per
    // channel in registers: each column loads Qo + Qc values for Qo*Qc*K
    // FMAs (8 for 80 at 4 x 2 x 5, where one tap per thread loaded 8 for 16).
    tile: (s) => {
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
    },
    domain: (c) => ['B', c.ins[0]![2]!],
    term: (c, i, j) => {
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
    },
  },
};
