// `tx data`: the trajectories a spec trains on (or is evaluated on) written as
// .npy, so that they can be looked at, plotted or fed to another library
// outside txc. It goes through the path `tx train` takes, so the file holds
// exactly the arrays a run sees: a generator's rollouts (float64 on the CPU,
// or float32 on the GPU: see --device), or a `data file`'s trajectories after
// the held-out ones are split off.
import type { Command } from 'commander';
import { Option } from 'commander';
import { loadDatasetOn } from '../../driver/node.js';
import { dataOrigin, defaultDataDevice, type DataDevice } from '../../driver/data-device.js';
import { MAX_NPY_NUMBERS, writeNpy } from '../../data/npy.js';
import { UserError } from '../../util/diagnostics.js';
import { loadSpec, writeAtomic } from '../io.js';
import { dataDeviceOption } from '../options.js';

interface DataOptions {
  out: string;
  split: 'train' | 'test';
  device?: DataDevice;
}

export function register(program: Command): void {
  program
    .command('data')
    .description("the spec's trajectories as .npy [trajectories, snapshots, channels, ...space]: the arrays tx train trains on (--split train) or evaluates on (--split test)")
    .argument('<file>', '.tx file')
    .requiredOption('-o, --out <path>', 'the .npy to write')
    .addOption(new Option('--split <split>', 'the training trajectories or the held-out ones').choices(['train', 'test']).default('train'))
    .addOption(dataDeviceOption('-d, --device <device>'))
    .action(async (file: string, opts: DataOptions) => {
      const fe = loadSpec(file);
      const data = fe.spec.data;
      if (!data) throw new UserError(`${file}: the spec has no data statement`);
      const dataset = await loadDatasetOn(data, file, opts.device ?? (await defaultDataDevice(data)));
      const t = dataset[opts.split];
      if (t.shape[0] === 0) throw new UserError(`${file}: the spec holds out no test trajectories (test_trajectories 0)`, 'write the training split, or set test_trajectories in the data block');
      if (t.data.length > MAX_NPY_NUMBERS) throw new UserError(`${file}: ${t.data.length} numbers are more than a .npy txc writes (${MAX_NPY_NUMBERS})`);
      writeAtomic(opts.out, writeNpy(t));
      process.stdout.write(`wrote ${opts.out}: [${t.shape.join(', ')}], the ${opts.split} trajectories ${dataOrigin(data, dataset)}\n`);
    });
}
