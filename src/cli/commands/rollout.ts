// `tx rollout`: one test trajectory as the trained emulator predicts it, from
// its initial state, saved as .npy [steps + 1, channels, ...space] (snapshot
// 0 the initial state) to compare or plot outside txc.
import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import { MAX_NPY_NUMBERS, writeNpy } from '../../data/npy.js';
import { UserError } from '../../util/diagnostics.js';
import type { Device } from '../../train/executors.js';
import { openStepper, rollout } from '../../train/rollout.js';
import { writeAtomic } from '../io.js';
import { positiveInt } from '../options.js';
import { rolloutProgress } from '../rollout-progress.js';
import { emulatorOption } from '../emulators.js';
import { loadTrained, rolloutDeviceOption } from '../trained.js';

interface RolloutOptions {
  params: string;
  trajectory: number;
  steps?: number;
  device: Device;
  out?: string;
  emulator?: string;
}

export function register(program: Command): void {
  program
    .command('rollout')
    .description("the trained emulator's prediction of one test trajectory from its initial state, as .npy [steps + 1, channels, ...space]")
    .argument('<file>', '.tx file')
    .requiredOption('-p, --params <path>', 'the trained parameters: params.safetensors or params.json from tx train')
    .option('-t, --trajectory <i>', 'which test trajectory (from 0; the same ones tx eval uses)', wholeNumber, 0)
    .option('-s, --steps <n>', "rollout steps (default: the test trajectories' snapshots - 1)", positiveInt)
    .addOption(rolloutDeviceOption())
    .option('-o, --out <path>', 'the .npy to write (default: rollout-<i>.npy beside the parameters)')
    .addOption(emulatorOption('-e, --emulator <name>', "where the file names several (default: the one whose parameters --params holds)"))
    .action(async (file: string, opts: RolloutOptions) => {
      const { spec, snapshot, params, test } = loadTrained(file, opts.params, opts.emulator);
      const i = opts.trajectory;
      if (i >= test.trajectories) throw new UserError(`--trajectory ${i}: there are ${test.trajectories} test trajectories (${test.note})`, `choose 0 to ${test.trajectories - 1}`);
      const steps = opts.steps ?? test.snapshots - 1;
      const size = snapshot.reduce((a, x) => a * x, 1);
      if ((steps + 1) * size > MAX_NPY_NUMBERS) throw new UserError(`--steps ${steps}: ${steps + 1} states of ${size} numbers are more than a .npy txc writes (${MAX_NPY_NUMBERS} numbers)`);
      const initial = (test.levels().next().value as Float64Array).slice(i * size, (i + 1) * size);
      const states = new Float64Array((steps + 1) * size);
      states.set(initial);
      const stepper = await openStepper(spec, snapshot, params, opts.device, 1);
      const bar = rolloutProgress(steps);
      try {
        let t = 0;
        for await (const u of rollout(stepper, initial, steps)) {
          states.set(u, ++t * size);
          bar.update(t);
        }
      } finally {
        bar.stop();
        stepper.close();
      }
      const out = opts.out ?? join(dirname(opts.params), `rollout-${i}.npy`);
      writeAtomic(out, writeNpy({ shape: [steps + 1, ...snapshot], data: states }));
      process.stdout.write(`wrote ${out}: [${[steps + 1, ...snapshot].join(', ')}], trajectory ${i} of ${test.note}, ${steps} steps on ${opts.device}\n`);
    });
}

function wholeNumber(s: string): number {
  return s.trim() === '0' ? 0 : positiveInt(s);
}
