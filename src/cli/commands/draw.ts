import type { Command } from 'commander';
import { Option } from 'commander';
import { drawDot } from '../../draw/dot.js';
import { drawSvg } from '../../draw/svg.js';
import { loadSpec, selectPrograms, writeAtomic } from '../io.js';

export function register(program: Command): void {
  program
    .command('draw')
    .description("draw a configuration like Trainax's showcase schematics (time to the right, cut gradients dashed)")
    .argument('<file>', '.tx file')
    .option('-o, --output <path>', 'write to this file instead of standard output')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['svg', 'dot']).default('svg'))
    .option('-c, --config <name>', 'the configuration to draw (default: the first)')
    .action((file: string, opts: { output?: string; format: 'svg' | 'dot'; config?: string }) => {
      const fe = loadSpec(file);
      const p = selectPrograms(fe, opts.config)[0]!;
      const text = opts.format === 'dot' ? drawDot(p.graph, p.flow) : drawSvg(p.graph, p.flow);
      if (opts.output) writeAtomic(opts.output, text);
      else process.stdout.write(text);
    });
}
