// How a run's time divides, for the CLI's progress line and the page's alike:
// on the GPU the device compiles its kernels first (lavapipe at their first
// dispatch), and losses come back a group at a time, so compiling ends when
// the first loss arrives, with the steps that came back with it; the rate
// counts the steps after those. Browser-safe.
import type { Timing } from './report.js';

/** `compiled N kernels in X s`, as the CLI and the page both say it. */
export function compiledText(c: { kernels: number; seconds: number }): string {
  return `compiled ${c.kernels} kernels in ${c.seconds.toFixed(1)} s`;
}

export class RunClock {
  private readonly t0 = performance.now();
  private compile: { kernels: number; readback: number } | undefined;
  private first: { done: number; t: number } | undefined;
  private last: number;

  /** `start`: steps done before this run (a resumed one). */
  constructor(
    private readonly total: number,
    private readonly start = 0,
  ) {
    this.last = start;
  }

  /** The device compiles `kernels` pipelines; losses come back `readback` steps at a time. */
  compiling(kernels: number, readback = 1): void {
    this.compile = { kernels, readback };
  }

  /** Notes that `done` steps are done; true at the first such note, which ends compiling. */
  step(done: number): boolean {
    this.last = done;
    if (this.first) return false;
    this.first = { done: Math.min(this.total, done + (this.compile?.readback ?? 1) - 1), t: performance.now() };
    return true;
  }

  /** Once compiling has ended: how many kernels, in how many seconds, with how many steps run meanwhile. */
  compiled(): { kernels: number; seconds: number; steps: number } | undefined {
    if (!this.compile || !this.first) return undefined;
    return { kernels: this.compile.kernels, seconds: (this.first.t - this.t0) / 1000, steps: this.first.done - this.start };
  }

  /** Steps per second since compiling ended; undefined before there are any. */
  rate(): number | undefined {
    const f = this.first;
    return f && this.last > f.done ? (this.last - f.done) / Math.max(1e-3, (performance.now() - f.t) / 1000) : undefined;
  }

  /** Seconds since the clock started. */
  elapsed(): number {
    return (performance.now() - this.t0) / 1000;
  }

  timing(): Timing {
    const rate = this.rate();
    const compiled = this.compiled();
    return {
      ...(compiled && { compile: compiled.seconds }),
      ...(rate !== undefined && { rate }),
    };
  }
}
