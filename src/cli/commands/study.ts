// `tx study`: every cell of a spec's study, each seed trained and scored in
// its own folder under --out; finished seeds are skipped, an interrupted one
// resumes from its checkpoint, and the tables and plots are rewritten from
// whatever has finished.
import { createHash } from 'node:crypto';
import { basename, join } from 'node:path';
import type { Command } from 'commander';
import { Option } from 'commander';
import type * as A from '../../dsl/ast.js';
import { loadDataset } from '../../data/load.js';
import type { Device } from '../../train/executors.js';
import { checkLength, testLevels } from '../../train/test-levels.js';
import { openResults, readRows, readSeed, seedDir, seedState, writeSummary } from '../../train/study-folder.js';
import { UserError } from '../../util/diagnostics.js';
import { existsSync } from 'node:fs';
import { loadSpec, readText } from '../io.js';
import { positiveInt } from '../options.js';
import { runSeeds } from '../study/seeds.js';
import { slurmOptions, submitSlurm, type SlurmOptions } from '../study/slurm.js';
import { slurmCells } from '../study/slurm-status.js';
import { deviceOption } from './train.js';
import { EXIT_INTERRUPTED } from '../signals.js';

interface StudyOptions extends SlurmOptions {
  out?: string;
  device: Device;
  evalDevice: Device;
  cell?: number[];
  status?: boolean;
  checkpointEvery: number;
  slurm?: boolean;
}

export function register(program: Command): void {
  const cmd = program
    .command('study')
    .description("run every cell of the spec's study (a cell's seeds trained together, as one program on the GPU), skipping finished ones; write table.md, table.csv, strip.svg and each cell's curve.svg")
    .argument('<file>', '.tx file with a study statement')
    .option('-o, --out <dir>', 'results folder (default: out/<spec name>-<study name>)')
    .addOption(deviceOption())
    .addOption(new Option('--eval-device <device>', 'where the rollouts are scored: cpu (float64) or gpu (float32)').choices(['cpu', 'gpu']).default('cpu'))
    .option('--cell <k>', 'run only cell K (0-based, as table.md numbers them); may be repeated', collectCell)
    .option('--status', "say which cells and seeds are finished, failed, part-trained or not started, and each submitted cell's SLURM task (sacct, else squeue); run nothing")
    .option('--checkpoint-every <n>', 'steps between checkpoints', positiveInt, 100);
  slurmOptions(cmd).action(async (file: string, opts: StudyOptions) => {
    const { spec } = loadSpec(file);
    const study = spec.study;
    if (!study) throw new UserError(`${file} has no study statement`, 'e.g. study s { vary config [one_step, unrolled]  seeds 3  report nRMSE geometric_mean up to 100 }');
    const out = opts.out ?? join('out', `${basename(file, '.tx')}-${study.name}`);
    const sha = createHash('sha256').update(readText(file)).digest('hex');
    const cells = selectCells(study, opts.cell);
    if (opts.status) return status(out, file, sha, study);
    // A data file too short for the report's rollout is said before anything trains.
    checkLength(testLevels(spec.data!, () => loadDataset(spec.data!, file)), study.report.upTo);
    // A dry run writes nothing, but refuses another spec's folder all the same.
    if (opts.dryRun && !opts.slurm) throw new UserError('--dry-run goes with --slurm', 'tx study FILE --slurm --dry-run prints the job script');
    if (!opts.dryRun || existsSync(join(out, 'study.json'))) openResults(out, file, sha, study);
    if (opts.slurm) return submitSlurm(file, out, study, opts);
    for (const k of cells) {
      const cell = study.cells[k]!;
      const todo = Array.from({ length: study.seeds }, (_, s) => s).filter((s) => !readSeed(seedDir(out, cell, s), s));
      if (!todo.length) {
        process.stderr.write(`cell ${k} ${cell.name}: finished, skipped\n`);
        continue;
      }
      const label = `cell ${k + 1}/${study.cells.length}`;
      const r = await runSeeds(cell, todo, { file, out, study, device: opts.device, evalDevice: opts.evalDevice, checkpointEvery: opts.checkpointEvery, label });
      if (r === 'interrupted') {
        writeSummary(out, study, file);
        process.stderr.write(`interrupted in cell ${k} ${cell.name}; its checkpoint is saved: rerun the same command to continue\n`);
        process.exitCode = EXIT_INTERRUPTED;
        return;
      }
    }
    const rows = writeSummary(out, study, file);
    process.stdout.write(readText(join(out, 'table.md')));
    process.stdout.write(`wrote ${out}/{table.md, table.csv, strip.svg, <cell>/curve.svg}\n`);
    const failed = rows.flatMap((r) => r.seeds.filter((s) => s.status === 'failed').map((s) => `${r.cell.name} seed ${s.seed}`));
    if (failed.length) {
      process.stderr.write(`error: ${failed.length} run${failed.length === 1 ? '' : 's'} failed: ${failed.join(', ')} (table.md says why); every other run finished\n`);
      process.exitCode = 1;
    }
  });
}

function collectCell(v: string, prev: number[] = []): number[] {
  if (!/^\d+$/.test(v)) throw new UserError(`--cell: '${v}' is not a cell number`, 'cells count from 0, as table.md numbers them');
  return [...prev, Number(v)];
}

function selectCells(study: A.StudyDecl, chosen: number[] | undefined): number[] {
  const n = study.cells.length;
  for (const k of chosen ?? []) if (k >= n) throw new UserError(`--cell ${k}: study ${study.name} has ${n} cells, 0 to ${n - 1}`);
  return chosen ?? study.cells.map((_, k) => k);
}

function status(out: string, file: string, sha: string, study: A.StudyDecl): void {
  if (!existsSync(join(out, 'study.json'))) {
    process.stdout.write(`${out}: no results yet (${study.cells.length} cells × ${study.seeds} seeds to run)\n`);
    return;
  }
  openResults(out, file, sha, study);
  const rows = readRows(out, study);
  const slurm = slurmCells(out);
  let finished = 0;
  rows.forEach((r, k) => {
    const failed = r.seeds.filter((s) => s.status === 'failed').length;
    finished += r.seeds.length;
    const open = Array.from({ length: study.seeds }, (_, s) => s).filter((s) => !r.seeds.some((x) => x.seed === s));
    const rest = open.map((s) => `seed ${s}: ${seedState(seedDir(out, r.cell, s))}`);
    const head = `${k} ${r.cell.name}: ${r.seeds.length}/${study.seeds} seeds finished${failed ? ` (${failed} failed)` : ''}`;
    const task = slurm?.cells.get(k);
    process.stdout.write([head, ...rest, ...(task ? [`slurm task ${task.task}: ${task.state}`] : [])].join('; ') + '\n');
  });
  process.stdout.write(`${finished}/${study.cells.length * study.seeds} runs finished\n` + (slurm ? `${slurm.note}\n` : ''));
}
