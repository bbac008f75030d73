// The FFT for CPU shapes (lavapipe): a thread transforms a whole line, as
// two passes of short transforms whose code is unrolled (Bailey's four-step
// form, n = n1·n2):
//   1. for each j1 < n1: the n2-point DFT of x[j1 + n1·j2] over j2, each
//      output k2 times e^(∓2πi·j1·k2/n), kept in a private array;
//   2. for each k2 < n2: the n1-point DFT of those values over j1, whose
//      output k1 is point k2 + n2·k1 of the line's transform.
// On lavapipe a workgroup kernel's every access to workgroup memory is a
// gather or scatter across the SIMD lanes, and its twiddles a sine and
// cosine per butterfly. Here the loops run in step across a subgroup's
// lanes (the same j1 or k2 in each), so their private-array accesses are
// plain vector loads, and the short transforms keep their values in
// registers. Unrolling a whole line instead took LLVM 25-70 s to compile
// at 128 to 256 points; two transforms of 16 (256 points) take about 2 s.
import { MAX_GROUPS } from '../ir/target.js';
import { dftTerm, radices, rotate } from './fft-butterfly.js';
import type { FftPass } from './fft-pass.js';
import { SHORT_LOOP } from './text.js';

/** Threads per workgroup, a line each. */
export const THREAD_WORKGROUP = 32;

/** The longest line a thread takes: beyond, LLVM took 10-40 s to compile the two 32-point transforms (512 to 1 024 points), and the workgroup kernels do. */
export const THREAD_MAX = 256;

/** The longest transform unrolled. */
const UNROLL_MAX = 32;

/** n1: 1 for a line short enough to unroll whole, else n's divisor nearest √n (both factors at most UNROLL_MAX for n ≤ 1024). */
function outerFactor(n: number): number {
  if (n <= UNROLL_MAX) return 1;
  let best = n;
  for (let d = 1; d <= n; d++) if (n % d === 0 && d <= UNROLL_MAX && n / d <= UNROLL_MAX && Math.abs(Math.log(d / Math.sqrt(n))) < Math.abs(Math.log(best / Math.sqrt(n)))) best = d;
  return best;
}

/**
 * Statements computing the m-point DFT of the values `xs` (names) into
 * `let` values `<out>_k`, by mixed-radix Stockham stages in straight-line code.
 */
function unrolledDft(xs: readonly string[], sign: number, out: string, stmts: string[]): string[] {
  const m = xs.length;
  let values = [...xs];
  let L = 1;
  radices(m)!.forEach((r, s) => {
    const count = m / r;
    const next: string[] = [];
    for (let i = 0; i < count; i++) {
      const k = i % L;
      const ys = [...Array(r).keys()].map((q) => {
        const y = `${out}${s}_${i}_${q}`;
        stmts.push(`let ${y} = ${rotate(values[i + q * count]!, (sign * 2 * Math.PI * q * k) / (L * r))};`);
        return y;
      });
      for (let o = 0; o < r; o++) {
        const at = (i - k) * r + k + o * L;
        next[at] = `${out}${s}_${at}`;
        stmts.push(`let ${next[at]} = ${dftTerm(ys, o, sign)};`);
      }
    }
    values = next;
    L *= r;
  });
  return values;
}

export function threadEntry(p: FftPass): string {
  const { n, inverse } = p;
  const sign = inverse ? 1 : -1;
  const n1 = outerFactor(n);
  const n2 = n / n1;
  // Mesa would unroll a loop whose bound it sees, and LLVM then take
  // seconds to minutes over the copies of the transform in its body.
  const bound = (m: number) => (m <= SHORT_LOOP ? `${m}u` : `(${m}u + ${p.zero})`);
  const head = `// ${p.what}: ${inverse ? 'inverse' : 'forward'} FFTs of ${n} points, a line per thread${n1 > 1 ? `, as ${n1} × ${n2}` : ''}
@compute @workgroup_size(${THREAD_WORKGROUP})
fn main(@builtin(workgroup_id) group: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let line = (group.x + group.y * ${MAX_GROUPS}u) * ${THREAD_WORKGROUP}u + lid;
  if (line >= ${p.lines}) { return; }`;
  if (n1 === 1) {
    const stmts = [...Array(n).keys()].map((j) => `let x${j} = ${p.load('line', `${j}u`)};`);
    const X = unrolledDft([...Array(n).keys()].map((j) => `x${j}`), sign, 'v', stmts);
    X.forEach((v, k) => stmts.push(`{ ${p.store('line', `${k}u`, v)} }`));
    return `${head}\n  ${stmts.join('\n  ')}\n}\n`;
  }
  const first: string[] = [...Array(n2).keys()].map((j2) => `let x${j2} = ${p.load('line', `(j1 + ${n1 * j2}u)`)};`);
  const Y = unrolledDft([...Array(n2).keys()].map((j2) => `x${j2}`), sign, 'u', first);
  // Output k2 of line j1 times e^(∓2πi·j1·k2/n); k2 = 0's factor is 1.
  Y.forEach((y, k2) =>
    first.push(k2 === 0 ? `a[j1] = ${y};` : `{ let angle = ${sign * 2 * Math.PI * k2 / n} * f32(j1); a[${k2 * n1}u + j1] = vec2<f32>(cos(angle) * ${y}.x - sin(angle) * ${y}.y, cos(angle) * ${y}.y + sin(angle) * ${y}.x); }`),
  );
  const second: string[] = [...Array(n1).keys()].map((j1) => `let y${j1} = a[k2 * ${n1}u + ${j1}u];`);
  const X = unrolledDft([...Array(n1).keys()].map((j1) => `y${j1}`), sign, 'v', second);
  X.forEach((v, k1) => second.push(`{ ${p.store('line', `(k2 + ${n2 * k1}u)`, v)} }`));
  return `${head}
  var a: array<vec2<f32>, ${n}>;
  for (var j1 = 0u; j1 < ${bound(n1)}; j1++) {
    ${first.join('\n    ')}
  }
  for (var k2 = 0u; k2 < ${bound(n2)}; k2++) {
    ${second.join('\n    ')}
  }
}
`;
}
