// What every WGSL FFT kernel (fft.ts, fft-mixed.ts, fft-unrolled.ts) is
// given: one pass of transforms along one axis, its points' reads and
// writes left to the caller.

/** Threads per workgroup of the workgroup-memory kernels: WebGPU's default limit on invocations, 256. */
export const FFT_WORKGROUP = 256;

/**
 * One pass of transforms as a module-scope entry point: its workgroup memory
 * and `fn main`. Where the points come from and go to is the caller's
 * (`load`, `store`): a bare complex buffer (fftShader), or an IR op's values
 * in the arena, where a real line is read with zero imaginary parts and only
 * the bins a half spectrum keeps are written (ops/fft-passes.ts).
 */
export interface FftPass {
  /** Points per line (isFftSize). */
  n: number;
  /** Lines to transform, a WGSL u32 expression (it may read the batch). */
  lines: string;
  inverse: boolean;
  /** The vec2<f32> of point `j` of line `line` (u32 expressions), read once before the transform. */
  load(line: string, j: string): string;
  /** Statements that store `value`, point `j` of line `line`'s transform. */
  store(line: string, j: string, value: string): string;
  /** What the pass does, for its comment line. */
  what: string;
  /**
   * A u32 expression that is 0 when the kernel runs but unknown to the shader
   * compiler (the step uniform's `z`, text.ts tripCount), added to the bound
   * of a loop that must stay a loop.
   */
  zero: string;
}
