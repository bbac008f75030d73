// The workgroup FFT of a line whose length is not a power of two (APEBench's
// 160 points = 2^5·5): the Stockham transform of fft.ts with stages of
// radix 5, 3 and 2 (fft-butterfly.ts), each a read of its butterflies'
// values into registers, a barrier, and a write. A stage of radix r has n/r
// butterflies, so the line's threads (a power of two) loop over them.
import { MAX_GROUPS } from '../ir/target.js';
import { dftTerm, radices, times } from './fft-butterfly.js';
import { FFT_WORKGROUP, type FftPass } from './fft-pass.js';

/** Threads per line: the largest power of two with a butterfly for each in the widest stage, at most a workgroup. */
export function mixedThreads(n: number): number {
  const widest = n / Math.min(...radices(n)!);
  return Math.min(FFT_WORKGROUP, 2 ** Math.floor(Math.log2(widest)));
}

/** Lines one workgroup transforms. */
export function mixedLinesPerGroup(n: number): number {
  return Math.max(1, FFT_WORKGROUP / mixedThreads(n));
}

export function mixedEntry(p: FftPass): string {
  const { n, inverse } = p;
  const rs = radices(n)!;
  const T = mixedThreads(n);
  const perGroup = mixedLinesPerGroup(n);
  const sign = inverse ? 1 : -1;
  // A thread's butterflies in the busiest stage, times its radix: the outputs it holds between the barriers.
  const held = Math.max(...rs.map((r) => Math.ceil(n / r / T) * r));
  let L = 1;
  const stages = rs.map((r) => {
    const m = n / r;
    const each = Math.ceil(m / T);
    const ys = [...Array(r).keys()].map((q) => `y${q}`);
    const loads = ys.map((y, q) => {
      const x = `line_values[mine + i + ${q * m}u]`;
      return q === 0 ? `let ${y} = ${x};` : `let x${q} = ${x}; let w${q} = twiddle(${q}u * k, ${L * r}u); let ${y} = ${times(`x${q}`, `w${q}`)};`;
    });
    const code = `  // radix ${r}, after stages spanning ${L}
  for (var c = 0u; c < ${each}u; c++) {
    let i = t + c * ${T}u;
    if (i < ${m}u) {
      let k = i % ${L}u;
      ${loads.join(' ')}
      ${[...Array(r).keys()].map((o) => `held[c * ${r}u + ${o}u] = ${dftTerm(ys, o, sign)};`).join('\n      ')}
    }
  }
  workgroupBarrier();
  for (var c = 0u; c < ${each}u; c++) {
    let i = t + c * ${T}u;
    if (i < ${m}u) {
      let k = i % ${L}u;
      let at = mine + (i - k) * ${r}u + k;
      ${[...Array(r).keys()].map((o) => `line_values[at + ${o * L}u] = held[c * ${r}u + ${o}u];`).join(' ')}
    }
  }
  workgroupBarrier();`;
    L *= r;
    return code;
  });
  return `// ${p.what}: ${inverse ? 'inverse' : 'forward'} FFTs of ${n} points; Stockham, radices ${rs.join(' ')}, ${perGroup} line(s) per workgroup
var<workgroup> line_values: array<vec2<f32>, ${perGroup * n}>;
// e^(${sign < 0 ? '-' : ''}2πi·j/m)
fn twiddle(j: u32, m: u32) -> vec2<f32> {
  let angle = ${sign < 0 ? '-' : ''}6.283185307179586 * f32(j) / f32(m);
  return vec2<f32>(cos(angle), sin(angle));
}
@compute @workgroup_size(${FFT_WORKGROUP})
fn main(@builtin(workgroup_id) group: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let g = group.x + group.y * ${MAX_GROUPS}u;
  let slot = lid / ${T}u;
  let line = g * ${perGroup}u + slot;
  let live = line < ${p.lines};
  let mine = slot * ${n}u;
  let t = lid % ${T}u;
  for (var j = t; j < ${n}u; j += ${T}u) {
    if (live) { line_values[mine + j] = ${p.load('line', 'j')}; }
  }
  workgroupBarrier();
  var held: array<vec2<f32>, ${held}>;
${stages.join('\n')}
  for (var j = t; j < ${n}u; j += ${T}u) {
    if (live) { ${p.store('line', 'j', 'line_values[mine + j]')} }
  }
}
`;
}
