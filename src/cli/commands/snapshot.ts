import type { Command } from 'commander';
import { statSync } from 'node:fs';
import { UserError } from '../../dsl/diagnostics.js';
import { compareSnapshot, findSpecs, snapshotDiff } from '../../snapshot.js';
import { ReportedErrors, reportDiagnostics, writeAtomic } from '../io.js';

export function register(program: Command): void {
  program
    .command('snapshot')
    .description('compare every *.tx under DIR with its golden IR (*.ir beside it); --update rewrites them')
    .argument('<dir>', 'folder to search for .tx files')
    .option('-u, --update', 'write the current IR as the new golden files (read the diff first!)')
    .action((dir: string, opts: { update?: boolean }) => {
      if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) throw new UserError(`${dir} is not a folder`);
      const specs = findSpecs(dir);
      if (!specs.length) throw new UserError(`no .tx files under ${dir}`);
      const counts = { ok: 0, changed: 0, missing: 0, invalid: 0, written: 0 };
      for (const f of specs) {
        const r = compareSnapshot(f);
        if (r.status === 'invalid') {
          reportDiagnostics(r.fe.diagnostics, r.source);
          counts.invalid++;
          continue;
        }
        if (r.status === 'ok') {
          counts.ok++;
          continue;
        }
        if (opts.update) {
          writeAtomic(r.goldenPath, r.actual);
          process.stdout.write(`${r.status === 'missing' ? 'wrote' : 'updated'} ${r.goldenPath}\n`);
          counts.written++;
        } else {
          if (r.status === 'missing') process.stdout.write(`${f}: no golden file ${r.goldenPath} (run with --update to create it)\n`);
          else process.stdout.write(snapshotDiff(r));
          counts[r.status]++;
        }
      }
      const parts = Object.entries(counts).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${k}`);
      process.stdout.write(`${specs.length} spec${specs.length === 1 ? '' : 's'}: ${parts.join(', ')}\n`);
      if (counts.changed || counts.missing || counts.invalid) throw new ReportedErrors();
    });
}
