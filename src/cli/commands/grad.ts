import type { Command } from 'commander';
import { Option } from 'commander';
import { fileSnapshotShape, loadDataset, loadTrajectories } from '../../data/load.js';
import { windowLength } from '../../dsl/check.js';
import { UserError } from '../../util/diagnostics.js';
import { snapshotShape } from '../../frontend.js';
import type { Tensor } from '../../ops/op.js';
import { emulatorParams } from '../../passes/inline.js';
import { runPasses } from '../../passes/pipeline.js';
import { cpuLossAndGrad } from '../../runtime/cpu.js';
import { gpuLossAndGrad } from '../../runtime/gpu/grad.js';
import { trainingBatches } from '../../runtime/minibatch.js';
import { initParams, paramsFromJson, paramsToJson } from '../../runtime/params.js';
import { readText } from '../../util/files.js';
import { emulatorOption, oneEmulator } from '../emulators.js';
import { loadSpec, oneProgram } from '../io.js';

export function register(program: Command): void {
  program
    .command('grad')
    .description('the loss and the gradient w.r.t. every emulator parameter for one minibatch')
    .argument('<file>', '.tx file')
    .option('-c, --config <name>', 'the configuration (needed when the file has several)')
    .option('-p, --params <path>', 'parameters as JSON (default: the seeded initial parameters)')
    .option('-b, --batch <path>', 'a minibatch of windows [batch, window, channels, ...space] as .npy or JSON (default: the first minibatch of training)')
    .addOption(new Option('-d, --device <device>', 'cpu: the float64 interpreter; gpu: the compiled WGSL kernels').choices(['cpu', 'gpu']).default('cpu'))
    .option('--json', 'print {"loss": x, "grads": {name: {shape, data}}}')
    .addOption(emulatorOption())
    .action(async (file: string, opts: { config?: string; params?: string; batch?: string; json?: boolean; device: 'cpu' | 'gpu'; emulator?: string }) => {
      const fe = oneEmulator(loadSpec(file), opts.emulator, 'grad');
      const p = oneProgram(fe, opts.config);
      const snapshot = snapshotShape(fe.spec.data!, fileSnapshotShape(file));
      const decls = emulatorParams(fe.spec, snapshot);
      const net = fe.spec.emulator!;
      const params = opts.params
        ? paramsFromJson(readText(opts.params), decls, opts.params)
        : initParams(decls, net.kind === 'correction' ? net.net.seed : net.seed);
      const window = windowLength(p.config.body);
      const windows = opts.batch ? readWindows(opts.batch, snapshot, window) : trainingBatches(fe.spec, loadDataset(fe.spec.data!, file), window).next().value!;
      const graph = runPasses(p.graph, fe.spec).at(-1)!.graph;
      const { loss, grads } = opts.device === 'gpu' ? await gpuLossAndGrad(graph, params, windows) : cpuLossAndGrad(graph, params, windows);
      if (opts.json) {
        process.stdout.write(`{"loss": ${JSON.stringify(loss)}, "grads": ${paramsToJson(grads).trim()}}\n`);
        return;
      }
      process.stdout.write(`loss ${loss}\n`);
      for (const [name, g] of grads) process.stdout.write(`${name} [${g.shape.join(', ')}]: ${preview(g)}\n`);
    });
}

function readWindows(path: string, snapshot: readonly number[], window: number): Tensor {
  const t = loadTrajectories(path);
  const state = t.shape.slice(2);
  if (state.join() !== snapshot.join())
    throw new UserError(`${path}: windows hold states of shape [${state.join(', ')}], but the spec's states are [${snapshot.join(', ')}]`, 'a minibatch file is [batch, window, channels, ...space]');
  if (t.shape[1]! < window)
    throw new UserError(`${path}: windows of ${t.shape[1]} snapshots, but the configuration needs ${window}`, `give windows of at least ${window} snapshots`);
  return t;
}

function preview(t: Tensor): string {
  const xs = [...t.data.slice(0, 8)].map((x) => x.toPrecision(8));
  return `[${xs.join(', ')}${t.data.length > 8 ? `, … ${t.data.length} values` : ''}]`;
}
