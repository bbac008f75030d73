// A bar on standard error while a rollout runs, for a terminal only: a long
// float64 rollout of a large network takes minutes, and a log or a test
// wants standard error quiet.
import cliProgress from 'cli-progress';

export interface RolloutProgress {
  update(step: number): void;
  stop(): void;
}

export function rolloutProgress(steps: number, stream: NodeJS.WriteStream = process.stderr): RolloutProgress {
  if (!stream.isTTY) return { update: () => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar({ stream, format: 'rollout {bar} step {value}/{total}  {eta_formatted}', clearOnComplete: true, hideCursor: true }, cliProgress.Presets.shades_classic);
  bar.start(steps, 0);
  return { update: (step) => bar.update(step), stop: () => bar.stop() };
}
