// The FFT along one axis in WGSL, of any length 2^a·3^b·5^c up to
// FFT_MAX_POINTS, in one of three kernels:
// - for GPU shapes, a Stockham transform in workgroup memory (below for
//   powers of two: radix 2; fft-mixed.ts otherwise). Stockham reorders as
//   it goes, so no bit-reversal pass is needed, and each stage is one read
//   of every value into registers, a barrier, and one write. A workgroup
//   transforms several lines at once when the lines are short, so that no
//   thread idles; a long line gets a workgroup of its own whose threads each
//   take several butterflies per stage;
// - for CPU shapes, a line of up to 256 points per thread, in two passes of
//   short unrolled transforms (fft-thread.ts); longer ones as on a GPU.
//
// Complex values are vec2<f32> (re, im): interleaved pairs in memory, a
// trailing axis of 2, so that one load brings a whole value. The IR's rfft
// and irfft run their passes with it (ops/fft-passes.ts).
import { MAX_GROUPS } from '../ir/target.js';
import { radices } from './fft-butterfly.js';
import { mixedEntry, mixedLinesPerGroup } from './fft-mixed.js';
import { FFT_WORKGROUP, type FftPass } from './fft-pass.js';
import { THREAD_MAX, THREAD_WORKGROUP, threadEntry } from './fft-thread.js';

/** The longest line one workgroup transforms: n vec2 values in its 16 KiB of workgroup memory, with room to spare. */
export const FFT_MAX_POINTS = 1024;

/** Which kernel shapes: the target's (ir/target.ts). */
export type FftShape = 'cpu' | 'gpu';

export interface FftLayout {
  /** Points per line (isFftSize). */
  n: number;
  /** Lines to transform. */
  lines: number;
  /** Complex values between neighbouring points of a line. */
  stride: number;
  inverse: boolean;
}

/**
 * The line `line`'s first point, in complex values from the buffer's start:
 * lines run along `stride` inside blocks of stride x n values.
 */
function lineStart(layout: FftLayout, line: string): string {
  const { n, stride } = layout;
  if (stride === 1) return `${line} * ${n}u`;
  return `(${line} / ${stride}u) * ${stride * n}u + ${line} % ${stride}u`;
}

/** Whether a kernel transforms lines of n points: 2 to FFT_MAX_POINTS, no prime factor but 2, 3 and 5. */
export function isFftSize(n: number): boolean {
  return n >= 2 && n <= FFT_MAX_POINTS && radices(n) !== undefined;
}

const powerOfTwo = (n: number) => (n & (n - 1)) === 0;
const perThread = (n: number, shape: FftShape) => shape === 'cpu' && n <= THREAD_MAX;

/** Lines one workgroup transforms at `n` points. */
function linesPerGroup(n: number): number {
  return Math.max(1, FFT_WORKGROUP / (n / 2));
}

/** The entry of pass `p`: dispatch `fftGroups(n, lines, shape)` workgroups of `fftWorkgroup(n, shape)`, over a second dimension past MAX_GROUPS. */
export function fftEntry(p: FftPass, shape: FftShape): string {
  if (!isFftSize(p.n)) throw new Error(`internal: no FFT kernel for ${p.n} points`);
  if (perThread(p.n, shape)) return threadEntry(p);
  return powerOfTwo(p.n) ? radix2Entry(p) : mixedEntry(p);
}

function radix2Entry(p: FftPass): string {
  const { n, inverse } = p;
  const half = n / 2;
  const perGroup = linesPerGroup(n);
  const butterflies = Math.max(1, half / FFT_WORKGROUP);
  const threads = Math.min(half, FFT_WORKGROUP);
  const sign = inverse ? '' : '-';
  return `// ${p.what}: ${inverse ? 'inverse' : 'forward'} FFTs of ${n} points; radix-2 Stockham, ${perGroup} line(s) per workgroup
var<workgroup> line_values: array<vec2<f32>, ${perGroup * n}>;
@compute @workgroup_size(${FFT_WORKGROUP})
fn main(@builtin(workgroup_id) group: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let g = group.x + group.y * ${MAX_GROUPS}u;
  // Thread lid works on line slot lid / ${threads}; a slot past the last line idles but keeps the barriers.
  let slot = lid / ${threads}u;
  let line = g * ${perGroup}u + slot;
  let live = line < ${p.lines};
  let mine = slot * ${n}u;
  let t = lid % ${threads}u;
  for (var j = t; j < ${n}u; j += ${threads}u) {
    if (live) { line_values[mine + j] = ${p.load('line', 'j')}; }
  }
  workgroupBarrier();
  var a: array<vec2<f32>, ${butterflies}>;
  var b: array<vec2<f32>, ${butterflies}>;
  for (var span = 1u; span < ${n}u; span *= 2u) {
    for (var r = 0u; r < ${butterflies}u; r++) {
      let i = t + r * ${FFT_WORKGROUP}u;
      let k = i & (span - 1u);
      let angle = ${sign}3.141592653589793 * f32(k) / f32(span);
      let w = vec2<f32>(cos(angle), sin(angle));
      let x = line_values[mine + i];
      let y = line_values[mine + i + ${half}u];
      let wy = vec2<f32>(w.x * y.x - w.y * y.y, w.x * y.y + w.y * y.x);
      a[r] = x + wy;
      b[r] = x - wy;
    }
    workgroupBarrier();
    for (var r = 0u; r < ${butterflies}u; r++) {
      let i = t + r * ${FFT_WORKGROUP}u;
      let k = i & (span - 1u);
      let at = mine + 2u * i - k;
      line_values[at] = a[r];
      line_values[at + span] = b[r];
    }
    workgroupBarrier();
  }
  for (var j = t; j < ${n}u; j += ${threads}u) {
    if (live) { ${p.store('line', 'j', 'line_values[mine + j]')} }
  }
}
`;
}

/** Threads per workgroup of a pass. */
export function fftWorkgroup(n: number, shape: FftShape): number {
  return perThread(n, shape) ? THREAD_WORKGROUP : FFT_WORKGROUP;
}

/** Workgroups a pass of `lines` lines of `n` points takes. */
export function fftGroups(n: number, lines: number, shape: FftShape): number {
  const perGroup = perThread(n, shape) ? THREAD_WORKGROUP : powerOfTwo(n) ? linesPerGroup(n) : mixedLinesPerGroup(n);
  return Math.ceil(lines / perGroup);
}

/**
 * A compute shader over bindings `input` and `output` (arrays of
 * vec2<f32>) that transforms every line, unnormalised both ways. Dispatch
 * `fftWorkgroups(layout, shape)` workgroups.
 */
export function fftShader(layout: FftLayout, shape: FftShape): string {
  const at = (line: string, j: string) => `${lineStart(layout, line)} + ${j} * ${layout.stride}u`;
  return `@group(0) @binding(0) var<storage, read> input: array<vec2<f32>>;
@group(0) @binding(1) var<storage, read_write> output: array<vec2<f32>>;
${fftEntry({
  n: layout.n,
  lines: `${layout.lines}u`,
  inverse: layout.inverse,
  load: (line, j) => `input[${at(line, j)}]`,
  store: (line, j, v) => `output[${at(line, j)}] = ${v};`,
  what: `${layout.lines} line(s), stride ${layout.stride}`,
  // No uniform here: an array's length past 2^31 elements is the 0 the compiler cannot see.
  zero: '(arrayLength(&input) >> 31u)',
}, shape)}`;
}

/** Workgroups to dispatch, over a second dimension past MAX_GROUPS. */
export function fftWorkgroups(layout: FftLayout, shape: FftShape): { x: number; y: number } {
  const n = fftGroups(layout.n, layout.lines, shape);
  return n <= MAX_GROUPS ? { x: n, y: 1 } : { x: MAX_GROUPS, y: Math.ceil(n / MAX_GROUPS) };
}
