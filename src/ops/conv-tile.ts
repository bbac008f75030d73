// Register blocks shared by conv1d and its input transpose conv1d_t, which
// have the same form:
//   out[b, q, i] = sum_{ch, k} w(q, ch, k) in[b, ch, i + shift(k)]
// (conv1d: shift k - left; conv1d_t: left - k). A thread computes Q output
// channels (4, else 2, else 1) x P columns (8, else 4). Per inner channel it loads the P + K - 1 inputs its
// columns touch once and the Q x K weights once, for P x Q x K FMAs: at
// P = 8, Q = 4, K = 5, 32 loads for 160 FMAs, where loading per tap took 40
// for 80 (on lavapipe each loaded float costs about 40 FMAs).
import type { Padding } from './padding.js';
import { padLoadWgsl } from './padding.js';
import type { Tile, TileWrite, WgslCtx } from './op.js';

export interface ConvTileShape {
  /** Inner (summed) channels, columns, taps. */
  inner: number;
  N: number;
  K: number;
  shift(k: number): number;
  padding(c: WgslCtx): Padding;
  /** The weight of output channel `q`, inner channel `ch`, tap k (a WGSL value). */
  w(c: WgslCtx, q: string, ch: string, k: number): string;
  /** Slot of the input among the op's inputs. */
  input: number;
}

/** A tile for an output of `outCh` channels, or undefined where the shapes do not divide. */
export function convTile(outCh: number, s: ConvTileShape): Tile | undefined {
  const { N, K, inner } = s;
  const P = N % 8 === 0 ? 8 : N % 4 === 0 ? 4 : 0;
  const Q = outCh % 4 === 0 ? 4 : outCh % 2 === 0 ? 2 : 1;
  if (!P) return undefined;
  const shifts = [...Array(K).keys()].map(s.shift);
  const lo = Math.min(...shifts);
  const span = P + Math.max(...shifts) - lo;
  return {
    size: P * Q,
    threads: { fixed: (outCh / Q) * (N / P), batchBlock: 1 },
    body: (c, t) => {
      const pad = s.padding(c);
      const [b, qb, cb, ch] = ['b', 'qb', 'cb', 'ch'].map((x) => c.fresh(x)) as [string, string, string, string];
      const acc = (q: number, p: number) => `acc_${q}_${p}`;
      const qs = [...Array(Q).keys()];
      const ps = [...Array(P).keys()];
      const stmts = [
        `let ${cb} = ${t} % ${N / P}u; let ${qb} = (${t} / ${N / P}u) % ${outCh / Q}u; let ${b} = ${t} / ${(N / P) * (outCh / Q)}u;`,
        ...qs.flatMap((q) => ps.map((p) => `var ${acc(q, p)} = 0.0;`)),
        `for (var ${ch} = 0u; ${ch} < ${inner}u; ${ch}++) {`,
        ...[...Array(span).keys()].map(
          (j) => `  let x${j} = ${padLoadWgsl(pad, `i32(${cb} * ${P}u) + ${j + lo}`, N, (i) => c.x(s.input, `(${b} * ${inner}u + ${ch}) * ${N}u + ${i}`))};`,
        ),
        ...qs.flatMap((q) =>
          shifts.flatMap((sh, k) => [
            `  { let w = ${s.w(c, `(${qb} * ${Q}u + ${q}u)`, ch, k)};`,
            ...ps.map((p) => `    ${acc(q, p)} = fma(w, x${p + sh - lo}, ${acc(q, p)});`),
            '  }',
          ]),
        ),
        '}',
      ];
      const writes = qs.flatMap((q) => ps.map((p): TileWrite => [`(${b} * ${outCh}u + ${qb} * ${Q}u + ${q}u) * ${N}u + ${cb} * ${P}u + ${p}u`, acc(q, p)]));
      return { stmts, writes };
    },
  };
}
