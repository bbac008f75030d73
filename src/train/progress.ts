// Progress on stderr, so stdout carries only results: a live bar on a terminal
// (cli-progress), and a plain line every so often otherwise (logs, CI), where
// a bar would be a stream of carriage returns. A GPU run first compiles its
// kernels (on lavapipe at their first dispatch, so within the first step):
// that phase has its own line and time, and the rate and the ETA count the
// training steps after it only.
import cliProgress from 'cli-progress';
import type { LossRecord } from './trainer.js';

export interface Progress {
  /**
   * Says that `kernels` pipelines are being compiled; the first update ends
   * that phase. Losses come back `readback` steps at a time, so that many
   * steps had run by then.
   */
  compiling(kernels: number, readback?: number): void;
  /** `done`: steps completed out of the total. */
  update(done: number, r: LossRecord): void;
  /** Clears the bar: what follows is the run's summary, for which it says how the time went. */
  stop(): Timing;
}

import type { Timing } from './report.js';

/** Lines a non-terminal run prints over its whole length. */
const PLAIN_LINES = 10;

export function progress(total: number, start = 0, label = '', stream: NodeJS.WriteStream = process.stderr): Progress {
  const prefix = label ? `${label} ` : '';
  const t0 = Date.now();
  let compile: { kernels: number; t0: number; readback: number } | undefined;
  // The rate counts from the first step seen: before it, the device compiled.
  let first: { done: number; t: number } | undefined;
  const began = (done: number) => {
    if (first) return false;
    // The steps whose losses came back with the first one ran before it.
    first = { done: Math.min(total, done + (compile?.readback ?? 1) - 1), t: Date.now() };
    const ran = first.done - start;
    if (compile) stream.write(`${prefix}compiled ${compile.kernels} kernels in ${((first.t - compile.t0) / 1000).toFixed(1)} s (the first ${ran === 1 ? 'step' : `${ran} steps`} included)\n`);
    return true;
  };
  let last = start;
  const timing = (): Timing => ({
    ...(compile && first && { compile: (first.t - compile.t0) / 1000 }),
    ...(first && last > first.done && { rate: (last - first.done) / Math.max(1e-3, (Date.now() - first.t) / 1000) }),
  });
  const fields = (done: number, r: LossRecord) => ({
    prefix,
    epoch: r.epoch,
    loss: r.loss.toExponential(4),
    rate: first && done > first.done ? ((done - first.done) / Math.max(1e-3, (Date.now() - first.t) / 1000)).toFixed(1) : '-',
  });
  const compiling = (kernels: number, readback = 1) => {
    compile = { kernels, t0, readback };
    stream.write(`${prefix}compiling ${kernels} kernels…\n`);
  };
  if (!stream.isTTY) {
    const every = Math.max(1, Math.round(total / PLAIN_LINES));
    return {
      compiling,
      update(done, r) {
        began(done);
        last = done;
        if (done % every !== 0 && done !== total) return;
        const f = fields(done, r);
        stream.write(`${prefix}step ${done}/${total}  epoch ${f.epoch}  loss ${f.loss}  ${f.rate} steps/s\n`);
      },
      stop: timing,
    };
  }
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: '{prefix}{bar} {value}/{total} | epoch {epoch} | loss {loss} | {rate} steps/s | ETA {eta_formatted}',
      hideCursor: true,
      clearOnComplete: true,
      barsize: 30,
    },
    cliProgress.Presets.shades_classic,
  );
  return {
    compiling,
    update: (done, r) => {
      last = done;
      // Started at the first step, so that its ETA never sees the compile.
      if (began(done)) bar.start(total, done, fields(done, r));
      else bar.update(done, fields(done, r));
    },
    stop: () => {
      bar.stop();
      return timing();
    },
  };
}
