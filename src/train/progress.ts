// Progress on stderr, so stdout carries only results: a live bar on a terminal
// (cli-progress), and a plain line every so often otherwise (logs, CI), where
// a bar would be a stream of carriage returns. A GPU run first compiles its
// kernels (on lavapipe at their first dispatch, so within the first step):
// that phase has its own line and time, and the rate and the ETA count the
// training steps after it only.
import cliProgress from 'cli-progress';
import { compiledText, RunClock } from './clock.js';
import type { Timing } from './report.js';
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

/** Lines a non-terminal run prints over its whole length. */
const PLAIN_LINES = 10;

export function progress(total: number, start = 0, label = '', stream: NodeJS.WriteStream = process.stderr): Progress {
  const prefix = label ? `${label} ` : '';
  const clock = new RunClock(total, start);
  const began = (done: number) => {
    if (!clock.step(done)) return false;
    const c = clock.compiled();
    if (c) stream.write(`${prefix}${compiledText(c)} (the first ${c.steps === 1 ? 'step' : `${c.steps} steps`} included)\n`);
    return true;
  };
  const fields = (r: LossRecord) => ({ prefix, epoch: r.epoch, loss: r.loss.toExponential(4), rate: clock.rate()?.toFixed(1) ?? '-' });
  const compiling = (kernels: number, readback?: number) => {
    clock.compiling(kernels, readback);
    stream.write(`${prefix}compiling ${kernels} kernels…\n`);
  };
  if (!stream.isTTY) {
    const every = Math.max(1, Math.round(total / PLAIN_LINES));
    return {
      compiling,
      update(done, r) {
        began(done);
        if (done % every !== 0 && done !== total) return;
        const f = fields(r);
        // A count of steps done: "step N" in what txc prints is loss.csv's, from 0 (the loss shown is step done - 1's).
        stream.write(`${prefix}${done}/${total} steps  epoch ${f.epoch}  loss ${f.loss}  ${f.rate} steps/s\n`);
      },
      stop: () => clock.timing(),
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
      // Started at the first step, so that its ETA never sees the compile.
      if (began(done)) bar.start(total, done, fields(r));
      else bar.update(done, fields(r));
    },
    stop: () => {
      bar.stop();
      return clock.timing();
    },
  };
}
