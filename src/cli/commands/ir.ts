import type { Command } from 'commander';
import { Option } from 'commander';
import { printGraph } from '../../ir/print.js';
import { STAGE_NAMES, callStats, opStats, runPasses, type CallStats } from '../../passes/pipeline.js';
import { callsTable } from '../../driver/compile.js';
import { emulatorOption, oneEmulator } from '../emulators.js';
import { loadSpec, selectPrograms } from '../io.js';

export function register(program: Command): void {
  program
    .command('ir')
    .description('print the graph of each configuration: the chain graph (golden text form), or after any pass')
    .argument('<file>', '.tx file')
    .option('-c, --config <name>', 'only this configuration')
    .addOption(new Option('-a, --after <pass>', 'print the graph after this pass').choices([...STAGE_NAMES]).default('lower'))
    .option('-s, --stats', 'emulator, reference and residuum calls per training step before and after simplification, and op counts')
    .option('--json', 'with --stats: print the statistics as JSON')
    .addOption(emulatorOption())
    .action((file: string, opts: { config?: string; after: string; stats?: boolean; json?: boolean; emulator?: string }) => {
      const fe = oneEmulator(loadSpec(file), opts.emulator, 'ir');
      const programs = selectPrograms(fe, opts.config);
      if (opts.stats) {
        const stats = programs.map((p) => {
          const stages = runPasses(p.graph, fe.spec, opts.after === 'lower' ? 'simplify-chain' : opts.after);
          const last = stages.at(-1)!.graph;
          return {
            config: p.config.name,
            calls: { before: callStats(stages[0]!.graph), after: callStats(stages[1]!.graph) },
            ...(stages.length > 2 && { ops: opStats(last), values: last.nodes.length }),
          };
        });
        process.stdout.write(opts.json ? JSON.stringify(stats, null, 2) + '\n' : stats.map(statsText).join('\n'));
        return;
      }
      const text = programs.map((p) => {
        if (opts.after === 'lower') return printGraph(p.graph, p.flow);
        const g = runPasses(p.graph, fe.spec, opts.after).at(-1)!.graph;
        return printGraph(g, opts.after === 'simplify-chain' ? p.flow : undefined).replace(/^# /, `# after ${opts.after}: `);
      });
      process.stdout.write(text.join('\n'));
    });
}

type Stat = { config: string; calls: { before: CallStats; after: CallStats }; ops?: Record<string, number>; values?: number };

function statsText(s: Stat): string {
  const lines = [`config ${s.config}: calls per training step`, ...callsTable(s.calls)];
  if (s.ops) lines.push(`  ${s.values} values; ops: ${Object.entries(s.ops).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  return lines.join('\n') + '\n';
}
