import type { Command } from 'commander';
import { hasErrors } from '../../util/diagnostics.js';
import { checkSource } from '../../driver/node.js';
import { ReportedErrors, readText, reportDiagnostics } from '../io.js';

export function register(program: Command): void {
  program
    .command('check')
    .description('parse and check specs; print every diagnostic')
    .argument('<files...>', '.tx files')
    .option('--json', 'print diagnostics as JSON objects')
    .action((files: string[], opts: { json?: boolean }) => {
      let failed = false;
      const all = [];
      for (const f of files) {
        const source = readText(f);
        const fe = checkSource(source, f);
        if (opts.json) all.push(...fe.diagnostics);
        else reportDiagnostics(fe.diagnostics, source);
        if (hasErrors(fe.diagnostics)) failed = true;
        else if (!opts.json) {
          const names = fe.programs.map((p) => p.config.name).join(', ');
          const st = fe.spec.study;
          const study = st ? `; study ${st.name}: ${st.cells.length} cells × ${st.seeds} seed${st.seeds === 1 ? '' : 's'}` : '';
          process.stdout.write(`${f}: ok (${fe.programs.length} configuration${fe.programs.length === 1 ? '' : 's'}: ${names}${study})\n`);
        }
      }
      if (opts.json) process.stdout.write(JSON.stringify(all, null, 2) + '\n');
      if (failed) throw new ReportedErrors();
    });
}
