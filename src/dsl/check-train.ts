// The `train` block: its settings against the schema, then what no single
// setting can judge alone — a warm-up that leaves the cosine no steps, two
// settings of one learning rate.
import type * as A from './ast.js';
import type { RawBlock } from './syntax.js';
import * as S from './schema.js';
import { Settings, type Report } from './settings.js';

export function checkTrain(block: RawBlock, report: Report): A.TrainDecl {
  const s = new Settings(block.settings, S.TRAIN, 'train', report);
  const train: A.TrainDecl = {
    optimizer: s.word('optimizer'),
    lr: s.number('lr'),
    schedule: s.word('schedule'),
    steps: s.number('steps'),
    batch: s.number('batch'),
    seed: s.number('seed'),
    seeds: s.number('seeds'),
    substack: s.bool('substack'),
    span: block.span,
  };
  const adamw = s.sub('optimizer');
  if (train.optimizer === 'adamw' && adamw) train.weightDecay = adamw.number('weight_decay');
  const cosine = s.sub('schedule');
  if (train.schedule === 'warmup_cosine' && cosine) warmupCosine(train, s, cosine, report);
  const clip = s.optionalNumber('clip_norm');
  if (clip !== undefined) train.clipNorm = clip;
  const every = s.optionalNumber('eval');
  if (every !== undefined) train.evalEvery = every;
  return train;
}

function warmupCosine(train: A.TrainDecl, s: Settings, o: Settings, report: Report): void {
  const example = 'e.g. schedule warmup_cosine { warmup 1000  peak 1e-3  end 0 }';
  const value = s.valueSpan('schedule', train.span);
  const at = { ...value, length: 'warmup_cosine'.length };
  const warmup = o.optionalNumber('warmup');
  if (warmup === undefined) {
    // A warm-up given but out of range has its own diagnostic.
    const given = s.setting('schedule')?.value;
    if (!(given?.kind === 'word' && given.block?.settings.some((x) => x.key === 'warmup')))
      report.error(at, "the warmup_cosine schedule needs 'warmup', the steps of its linear warm-up", example);
    return;
  }
  // optax's cosine then decays over steps - warmup steps, which must be some.
  if (warmup >= train.steps)
    report.error(o.valueSpan('warmup', at), `the warm-up of ${warmup} steps leaves no steps of the run's ${train.steps} for the cosine decay`, `use a warm-up shorter than the run, e.g. warmup ${Math.floor(train.steps / 10)}`);
  const peak = o.optionalNumber('peak');
  if (peak !== undefined && s.has('lr'))
    report.error(s.span('lr', at), "'lr' and the schedule's 'peak' both set the learning rate", "keep one: 'peak' is the rate the warm-up reaches");
  if (peak !== undefined) train.lr = peak;
  train.warmupCosine = { warmup, init: o.number('init'), end: o.number('end') };
}
