// A complex FFT of power-of-two length along one axis, in WGSL: a radix-2
// Stockham transform in workgroup memory. Stockham reorders as it goes, so
// no bit-reversal pass is needed, and each stage is one read of every value
// into registers, a barrier, and one write. A workgroup transforms
// WORKGROUP * 2 / n lines at once when the lines are short, so that no
// thread idles; a line longer than that gets a workgroup of its own whose
// threads each take several butterflies per stage.
//
// Complex values are vec2<f32> (re, im): interleaved pairs in memory, a
// trailing axis of 2, so that one load brings a whole value. Not yet behind
// an IR op: issue 15's rfft and irfft build on it.
import { MAX_GROUPS } from '../ir/target.js';

/** Threads per workgroup: WebGPU's default limit on invocations, 256. */
export const FFT_WORKGROUP = 256;

/** The longest line one workgroup transforms: n vec2 values in its 16 KiB of workgroup memory, with room to spare. */
export const FFT_MAX_POINTS = 1024;

export interface FftLayout {
  /** Points per line: a power of two from 2 to FFT_MAX_POINTS. */
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

/**
 * A compute shader over bindings `input` and `output` (arrays of
 * vec2<f32>) that transforms every line, unnormalised both ways. Dispatch
 * `fftWorkgroups(layout)` workgroups.
 */
export function fftShader(layout: FftLayout): string {
  const { n, inverse } = layout;
  if (!(n >= 2 && n <= FFT_MAX_POINTS && (n & (n - 1)) === 0)) throw new Error(`internal: no FFT kernel for ${n} points`);
  const half = n / 2;
  const perGroup = Math.max(1, FFT_WORKGROUP / half);
  const butterflies = Math.max(1, half / FFT_WORKGROUP);
  const sign = inverse ? '' : '-';
  return `// ${inverse ? 'inverse' : 'forward'} FFT of ${layout.lines} line(s) of ${n} points, stride ${layout.stride}; radix-2 Stockham, ${perGroup} line(s) per workgroup
@group(0) @binding(0) var<storage, read> input: array<vec2<f32>>;
@group(0) @binding(1) var<storage, read_write> output: array<vec2<f32>>;
var<workgroup> line_values: array<vec2<f32>, ${perGroup * n}>;

@compute @workgroup_size(${FFT_WORKGROUP})
fn main(@builtin(workgroup_id) group: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let g = group.x + group.y * ${MAX_GROUPS}u;
  // Thread lid works on line slot lid / ${Math.min(half, FFT_WORKGROUP)}; a slot past the last line idles but keeps the barriers.
  let slot = lid / ${Math.min(half, FFT_WORKGROUP)}u;
  let line = g * ${perGroup}u + slot;
  let live = line < ${layout.lines}u;
  let first = ${lineStart(layout, 'line')};
  let mine = slot * ${n}u;
  let t = lid % ${Math.min(half, FFT_WORKGROUP)}u;
  for (var j = t; j < ${n}u; j += ${Math.min(half, FFT_WORKGROUP)}u) {
    if (live) { line_values[mine + j] = input[first + j * ${layout.stride}u]; }
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
  for (var j = t; j < ${n}u; j += ${Math.min(half, FFT_WORKGROUP)}u) {
    if (live) { output[first + j * ${layout.stride}u] = line_values[mine + j]; }
  }
}
`;
}

/** Workgroups to dispatch, over a second dimension past MAX_GROUPS. */
export function fftWorkgroups(layout: FftLayout): { x: number; y: number } {
  const n = Math.ceil(layout.lines / Math.max(1, FFT_WORKGROUP / (layout.n / 2)));
  return n <= MAX_GROUPS ? { x: n, y: 1 } : { x: MAX_GROUPS, y: Math.ceil(n / MAX_GROUPS) };
}
