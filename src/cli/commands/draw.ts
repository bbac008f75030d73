import type { Command } from 'commander';
import { Option } from 'commander';
import { drawDot } from '../../draw/dot.js';
import type { CorrectionLook } from '../../draw/layout.js';
import { drawSvg } from '../../draw/svg.js';
import type { EmulatorDecl } from '../../dsl/ast.js';
import { emulatorOption, oneEmulator } from '../emulators.js';
import { loadSpec, selectPrograms, writeAtomic } from '../io.js';

export function register(program: Command): void {
  program
    .command('draw')
    .description("draw a configuration like Trainax's showcase schematics (time to the right, cut gradients dashed)")
    .argument('<file>', '.tx file')
    .option('-o, --output <path>', 'write to this file instead of standard output')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['svg', 'dot']).default('svg'))
    .option('-c, --config <name>', 'the configuration to draw (default: the first)')
    .addOption(emulatorOption())
    .action((file: string, opts: { output?: string; format: 'svg' | 'dot'; config?: string; emulator?: string }) => {
      const fe = oneEmulator(loadSpec(file), opts.emulator, 'draw');
      const p = selectPrograms(fe, opts.config)[0]!;
      const correction = correctionLook(fe.spec.emulator);
      const text = opts.format === 'dot' ? drawDot(p.graph, p.flow, p.graph.title, correction) : drawSvg(p.graph, p.flow, { ...(correction && { correction }) });
      if (opts.output) writeAtomic(opts.output, text);
      else process.stdout.write(text);
    });
}

/** A correction emulator's coarse solver, in words for its box's tooltip. */
function correctionLook(emulator: EmulatorDecl | undefined): CorrectionLook | undefined {
  if (emulator?.kind !== 'correction') return undefined;
  const { name, method } = emulator.coarse;
  return { mode: emulator.mode, coarse: `coarse ${name} (${method})` };
}
