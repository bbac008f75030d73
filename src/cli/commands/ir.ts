import type { Command } from 'commander';
import { printGraph } from '../../ir/print.js';
import { loadSpec, selectPrograms } from '../io.js';

export function register(program: Command): void {
  program
    .command('ir')
    .description('print the chain graph of each configuration (the golden text form)')
    .argument('<file>', '.tx file')
    .option('-c, --config <name>', 'only this configuration')
    .action((file: string, opts: { config?: string }) => {
      const fe = loadSpec(file);
      process.stdout.write(selectPrograms(fe, opts.config).map((p) => printGraph(p.graph, p.flow)).join('\n'));
    });
}
