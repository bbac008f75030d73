// A study's results folder. `study.json` records the spec's sha256, so a
// folder holds one spec's results and no other's; each cell × seed has a run
// folder `<cell>/seed-<s>/` with tx train's files, tx eval's files and, last
// of all, `result.json`: a seed is finished once that exists, and is never
// run again. Nothing here deletes anything.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type * as A from '../dsl/ast.js';
import { UserError } from '../util/diagnostics.js';
import { readText } from '../util/files.js';
import { LOCK_FILE } from '../util/lock.js';
import { processAlive } from '../util/process.js';
import { writeAtomic } from '../util/write.js';
import { metricSvg } from './eval-svg.js';
import { RUN_FILES } from './run-files.js';
import { stripSvg } from './study-svg.js';
import { aggregateName, seedCurve, tableCsv, tableMd, type CellRow, type SeedResult } from './study-table.js';

const MANIFEST = 'study.json';
const RESULT = 'result.json';

interface Manifest {
  spec: string;
  sha256: string;
  study: string;
  cells: string[];
  seeds: number;
}

/** Creates the folder's manifest, or checks that it is this spec's; a different spec's folder is refused. */
export function openResults(out: string, file: string, sha256: string, study: A.StudyDecl): void {
  const path = join(out, MANIFEST);
  if (existsSync(path)) {
    const m = readManifest(path);
    if (m.sha256 === sha256) return;
    throw new UserError(
      `${out} holds the results of a different spec: ${m.spec} (study ${m.study}, sha256 ${m.sha256.slice(0, 12)}…), not ${file} (sha256 ${sha256.slice(0, 12)}…)`,
      `nothing there was changed; give this spec another --out, or restore the spec those results came from`,
    );
  }
  // The manifest is a study's first file: a folder with others but not it is someone else's.
  if (existsSync(out) && readdirSync(out).length > 0)
    throw new UserError(`${out} is not a study's results folder (it has no ${MANIFEST}) and is not empty`, 'give the study an empty or new --out folder; nothing there was changed');
  const m: Manifest = { spec: file, sha256, study: study.name, cells: study.cells.map((c) => c.name), seeds: study.seeds };
  writeAtomic(path, JSON.stringify(m, null, 1) + '\n');
}

function readManifest(path: string): Manifest {
  try {
    const m = JSON.parse(readText(path)) as Partial<Manifest>;
    if (typeof m.sha256 === 'string') return { spec: String(m.spec), sha256: m.sha256, study: String(m.study), cells: m.cells ?? [], seeds: Number(m.seeds) };
  } catch {
    // reported below
  }
  throw new UserError(`${path} is not a study manifest that txc can read`, 'it was not written by tx study, or it was edited; nothing was changed');
}

export function seedDir(out: string, cell: A.StudyCell, seed: number): string {
  return join(out, cell.name, `seed-${seed}`);
}

export function readSeed(dir: string, seed: number): SeedResult | undefined {
  const path = join(dir, RESULT);
  if (!existsSync(path)) return undefined;
  const r = JSON.parse(readText(path)) as { status: string; aggregate?: number | string; curve?: (number | string)[]; message?: string };
  if (r.status === 'failed') return { status: 'failed', seed, message: String(r.message) };
  return { status: 'done', seed, aggregate: fromJson(r.aggregate), curve: (r.curve ?? []).map(fromJson) };
}

/** The last file a seed writes: from here on it counts as finished. */
export function writeSeed(dir: string, r: SeedResult): void {
  const doc = r.status === 'failed' ? r : { ...r, aggregate: toJson(r.aggregate), curve: r.curve.map(toJson) };
  writeAtomic(join(dir, RESULT), JSON.stringify(doc) + '\n');
}

/** JSON has no NaN or inf: a diverged rollout's are kept as strings. */
function toJson(x: number): number | string {
  return Number.isFinite(x) ? x : String(x);
}
function fromJson(x: number | string | undefined): number {
  return typeof x === 'number' ? x : Number(x);
}

export function readRows(out: string, study: A.StudyDecl): CellRow[] {
  return study.cells.map((cell) => ({
    cell,
    seeds: Array.from({ length: study.seeds }, (_, s) => readSeed(seedDir(out, cell, s), s)).filter((r): r is SeedResult => r !== undefined),
  }));
}

/** Where an unfinished seed stands, in words, for --status. */
export function seedState(dir: string): string {
  const owner = lockOwner(dir);
  // A pid names a process on this machine only: a task on another node shows as stopped here.
  if (owner && processAlive(owner)) return `running (pid ${owner})`;
  const c = join(dir, RUN_FILES.checkpoint);
  const stopped = owner ? ', stopped while running' : '';
  if (!existsSync(c)) return `not started${stopped}`;
  const step = (JSON.parse(readText(c)) as { step?: number }).step;
  return `checkpoint at step ${step ?? '?'}${stopped}`;
}

function lockOwner(dir: string): number | undefined {
  const path = join(dir, LOCK_FILE);
  if (!existsSync(path)) return undefined;
  try {
    const pid = (JSON.parse(readText(path)) as { pid?: unknown }).pid;
    return typeof pid === 'number' ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** table.md, table.csv, strip.svg, and each cell's curve.svg: rewritten from the seeds' results every time. */
export function writeSummary(out: string, study: A.StudyDecl, spec: string): CellRow[] {
  const rows = readRows(out, study);
  writeAtomic(join(out, 'table.md'), tableMd(study, rows, spec));
  writeAtomic(join(out, 'table.csv'), tableCsv(study, rows));
  const label = aggregateName(study.report);
  writeAtomic(join(out, 'strip.svg'), stripSvg(rows, label, `${spec}: study ${study.name}, ${label} per cell`));
  for (const r of rows) {
    const c = seedCurve(r, study.report.metric);
    const n = r.seeds.filter((s) => s.status === 'done').length;
    if (c) writeAtomic(join(out, r.cell.name, 'curve.svg'), metricSvg(c, `${r.cell.name}: ${study.report.metric}`, `mean over ${n} seed${n === 1 ? '' : 's'}; band: min to max`));
  }
  return rows;
}
