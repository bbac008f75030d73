import type { Command } from 'commander';
import { Option } from 'commander';
import { statSync } from 'node:fs';
import { UserError } from '../../util/diagnostics.js';
import { compareSnapshot, findSpecs, snapshotDiff } from '../../snapshot.js';
import { ReportedErrors, reportDiagnostics, writeAtomic } from '../io.js';

export function register(program: Command): void {
  program
    .command('snapshot')
    .description("compare every *.tx under DIR with its golden IR and training step program (*.ir, *.plan beside it, and *.gpu.plan where there is one; a file that names several emulators: each one's in turn); --update rewrites them")
    .argument('<dir>', 'folder to search for .tx files')
    .option('-u, --update', 'write the current IR as the new golden files (read the diff first!)')
    .addOption(new Option('--only <kind>', 'compare (or write) only these goldens: ir keeps a repo to the chain IR, which does not move when the compiler changes how it runs').choices(['ir', 'plan']))
    .action((dir: string, opts: { update?: boolean; only?: 'ir' | 'plan' }) => {
      if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) throw new UserError(`${dir} is not a folder`);
      const specs = findSpecs(dir);
      if (!specs.length) throw new UserError(`no .tx files under ${dir}`);
      const counts = { ok: 0, changed: 0, missing: 0, invalid: 0, written: 0 };
      let files = 0;
      for (const f of specs) {
        const r = compareSnapshot(f, opts.only && (opts.only === 'ir' ? ['ir'] : ['plan', 'gpu.plan']));
        if (r.status === 'invalid') {
          reportDiagnostics(r.fe.diagnostics, r.source);
          counts.invalid++;
          continue;
        }
        files += r.goldens.length;
        for (const g of r.goldens) {
          if (g.status === 'ok') {
            counts.ok++;
          } else if (opts.update) {
            writeAtomic(g.goldenPath, g.actual);
            process.stdout.write(`${g.status === 'missing' ? 'wrote' : 'updated'} ${g.goldenPath}\n`);
            counts.written++;
          } else {
            if (g.status === 'missing') process.stdout.write(`${f}: no golden file ${g.goldenPath} (run with --update to create it)\n`);
            else process.stdout.write(snapshotDiff(g));
            counts[g.status]++;
          }
        }
      }
      const parts = Object.entries(counts).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${k}`);
      process.stdout.write(`${specs.length} spec${specs.length === 1 ? '' : 's'}, ${files} golden files: ${parts.join(', ')}\n`);
      if (counts.changed || counts.missing || counts.invalid) throw new ReportedErrors();
    });
}
