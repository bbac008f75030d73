import type { Command } from 'commander';
import { snapshotShape } from '../../frontend.js';
import { emulatorParams } from '../../passes/inline.js';
import type { ParamDecl } from '../../passes/inline/network.js';
import { initParams, paramsToJson } from '../../runtime/params.js';
import { fileSnapshotShape } from '../../data/load.js';
import { emulatorOption, oneEmulator } from '../emulators.js';
import { loadSpec, writeAtomic } from '../io.js';

export function register(program: Command): void {
  program
    .command('params')
    .description("print or write the emulator's seeded initial parameters ({name: {shape, data}} JSON), or with --list their names, shapes and count")
    .argument('<file>', '.tx file')
    .option('-o, --output <path>', 'write to this file instead of standard output')
    .option('-l, --list', 'list the parameter tree (in pytree order) with shapes and the total count, instead of the values')
    .addOption(emulatorOption())
    .action((file: string, opts: { output?: string; list?: boolean; emulator?: string }) => {
      const fe = oneEmulator(loadSpec(file), opts.emulator, 'params');
      const snapshot = snapshotShape(fe.spec.data!, fileSnapshotShape(file));
      const net = fe.spec.emulator!;
      const seed = net.kind === 'correction' ? net.net.seed : net.seed;
      const decls = emulatorParams(fe.spec, snapshot);
      const text = opts.list ? paramList(decls) : paramsToJson(initParams(decls, seed));
      if (opts.output) writeAtomic(opts.output, text);
      else process.stdout.write(text);
    });
}

/** One line per parameter (name, shape, size), then the total: the count PDEquinox reports for the same network. */
function paramList(decls: readonly ParamDecl[]): string {
  const rows = decls.map((d) => [d.name, `[${d.shape.join(', ')}]`, String(d.shape.reduce((a, x) => a * x, 1))] as const);
  const total = rows.reduce((a, r) => a + Number(r[2]), 0);
  const all = [...rows, ['total', '', String(total)] as const];
  const [wName, wShape, wSize] = [0, 1, 2].map((i) => Math.max(...all.map((r) => r[i]!.length)));
  return all.map(([n, s, c]) => `${n.padEnd(wName!)}  ${s.padEnd(wShape!)}  ${c.padStart(wSize!)}`.trimEnd() + '\n').join('');
}
