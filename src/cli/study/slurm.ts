// `tx study --slurm`: one SLURM job array, a task per unfinished cell, each
// running `tx study FILE --cell K` into the shared results folder; every task
// skips finished seeds and resumes a killed one from its checkpoint, so
// submitting again runs only what is left.
import { spawnSync } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import type * as A from '../../dsl/ast.js';
import { readRows } from '../../train/study-folder.js';
import { UserError } from '../../util/diagnostics.js';
import { ensureFolder } from '../../util/write.js';
import { writeAtomic } from '../io.js';
import { wholeNumber } from '../options.js';

export interface SlurmOptions {
  partition?: string;
  /** Unset: one with --device gpu, none with --device cpu. */
  gpusPerTask?: number;
  time: string;
  sbatch?: string;
  dryRun?: boolean;
  device: string;
  evalDevice: string;
  checkpointEvery: number;
}

export function slurmOptions(cmd: Command): Command {
  return cmd
    .option('--slurm', 'submit one SLURM job array instead: a task per unfinished cell (tx study FILE --cell K)')
    .option('--partition <p>', 'with --slurm: the partition')
    .option('--gpus-per-task <n>', 'with --slurm: GPUs per task (default 1 with --device gpu, 0 with --device cpu; 0 asks for none)', wholeNumber)
    .option('--time <t>', 'with --slurm: the time limit per task', '2:00:00')
    .option('--sbatch <args>', 'with --slurm: further sbatch arguments, e.g. "--account=a --qos=q"')
    .option('--dry-run', 'with --slurm: print the script, submit nothing');
}

/** The job array's script; `cells` the unfinished cells' numbers. */
export function slurmScript(file: string, out: string, study: A.StudyDecl, cells: readonly number[], o: SlurmOptions): string {
  // The tx the user ran (bin/tx.js, or an installed one): the tasks run the same.
  const tx = resolve(process.argv[1]!);
  const gpus = o.gpusPerTask ?? (o.device === 'gpu' ? 1 : 0);
  const lines = [
    '#!/bin/bash',
    `#SBATCH --job-name=tx-study-${study.name}`,
    `#SBATCH --array=${ranges(cells)}`,
    '#SBATCH --ntasks=1',
    ...(gpus ? [`#SBATCH --gpus-per-task=${gpus}`] : []),
    `#SBATCH --time=${o.time}`,
    `#SBATCH --output=${resolve(out, 'slurm', '%A_%a.out')}`,
    ...(o.partition ? [`#SBATCH --partition=${o.partition}`] : []),
    `# ${study.cells.length} cells × ${study.seeds} seeds of study ${study.name}; a task per unfinished cell`,
    `cd ${quote(process.cwd())}`,
    `exec ${quote(process.execPath)} ${quote(tx)} study ${quote(resolve(file))} --out ${quote(resolve(out))} --cell "$SLURM_ARRAY_TASK_ID" --device ${o.device} --eval-device ${o.evalDevice} --checkpoint-every ${o.checkpointEvery}`,
  ];
  return lines.join('\n') + '\n';
}

export function submitSlurm(file: string, out: string, study: A.StudyDecl, o: SlurmOptions): void {
  const rows = readRows(out, study);
  const cells = rows.flatMap((r, k) => (r.seeds.length < study.seeds ? [k] : []));
  if (!cells.length) {
    process.stdout.write(`every cell of study ${study.name} in ${out} is finished: nothing to submit\n`);
    return;
  }
  const script = slurmScript(file, out, study, cells, o);
  if (o.dryRun) {
    process.stdout.write(script);
    return;
  }
  ensureFolder(join(out, 'slurm'));
  const path = join(out, 'slurm', `study-${Date.now()}.sbatch`);
  writeAtomic(path, script);
  const args = ['--parsable', ...(o.sbatch?.split(/\s+/).filter(Boolean) ?? []), path];
  const r = spawnSync('sbatch', args, { encoding: 'utf8' });
  if (r.error) throw new UserError(`cannot run sbatch: ${r.error.message}`, `is this a SLURM login node? --dry-run prints the script (${path})`);
  if (r.status !== 0) throw new UserError(`sbatch refused the job: ${r.stderr.trim() || `exit ${r.status}`}`, `the script is ${path}`);
  const id = r.stdout.trim().split(';')[0]!;
  appendFileSync(join(out, 'slurm', 'jobs'), `${id}\n`);
  process.stdout.write(`submitted job ${id}: cells ${ranges(cells)} (${path})\n`);
}

/** [0, 1, 2, 5] → "0-2,5": sbatch's --array syntax. */
export function ranges(xs: readonly number[]): string {
  const out: string[] = [];
  for (let i = 0; i < xs.length; ) {
    let j = i;
    while (j + 1 < xs.length && xs[j + 1] === xs[j]! + 1) j++;
    out.push(i === j ? String(xs[i]) : `${xs[i]}-${xs[j]}`);
    i = j + 1;
  }
  return out.join(',');
}

function quote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
