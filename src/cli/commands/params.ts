import type { Command } from 'commander';
import { snapshotShape } from '../../frontend.js';
import { emulatorParams } from '../../passes/inline.js';
import { initParams, paramsToJson } from '../../runtime/params.js';
import { fileSnapshotShape } from '../../data/load.js';
import { loadSpec, writeAtomic } from '../io.js';

export function register(program: Command): void {
  program
    .command('params')
    .description("print or write the emulator's seeded initial parameters ({name: {shape, data}} JSON)")
    .argument('<file>', '.tx file')
    .option('-o, --output <path>', 'write to this file instead of standard output')
    .action((file: string, opts: { output?: string }) => {
      const fe = loadSpec(file);
      const snapshot = snapshotShape(fe.spec.data!, fileSnapshotShape(file));
      const net = fe.spec.emulator!;
      const seed = net.kind === 'correction' ? net.net.seed : net.seed;
      const text = paramsToJson(initParams(emulatorParams(fe.spec, snapshot), seed));
      if (opts.output) writeAtomic(opts.output, text);
      else process.stdout.write(text);
    });
}
