// Progress on stderr, so stdout carries only results: a live bar on a terminal
// (cli-progress), and a plain line every so often otherwise (logs, CI), where
// a bar would be a stream of carriage returns.
import cliProgress from 'cli-progress';
import type { LossRecord } from './trainer.js';

export interface Progress {
  /** `done`: steps completed out of the total. */
  update(done: number, r: LossRecord): void;
  /** Clears the bar: what follows is the run's summary. */
  stop(): void;
}

/** Lines a non-terminal run prints over its whole length. */
const PLAIN_LINES = 10;

export function progress(total: number, start = 0, label = '', stream: NodeJS.WriteStream = process.stderr): Progress {
  const t0 = Date.now();
  const prefix = label ? `${label} ` : '';
  const fields = (done: number, r: LossRecord) => ({
    prefix,
    epoch: r.epoch,
    loss: r.loss.toExponential(4),
    rate: ((done - start) / Math.max(1e-3, (Date.now() - t0) / 1000)).toFixed(1),
  });
  if (!stream.isTTY) {
    const every = Math.max(1, Math.round(total / PLAIN_LINES));
    return {
      update(done, r) {
        if (done % every !== 0 && done !== total) return;
        const f = fields(done, r);
        stream.write(`${prefix}step ${done}/${total}  epoch ${f.epoch}  loss ${f.loss}  ${f.rate} steps/s\n`);
      },
      stop() {},
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
  bar.start(total, start, { prefix, epoch: '-', loss: '-', rate: '-' });
  return { update: (done, r) => bar.update(done, fields(done, r)), stop: () => bar.stop() };
}
