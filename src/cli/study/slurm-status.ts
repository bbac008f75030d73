// Where each cell's SLURM array task stands, for `tx study --status`: from
// sacct (the accounting database, which remembers ended tasks), and from
// squeue for jobs sacct has no record of (a cluster without accounting, or a
// job too new for it). A cell's task is that of the last job it was
// submitted in, so a resubmitted cell shows its new task, not the one killed.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readText } from '../io.js';

export interface TaskState {
  /** `job_cell`, as SLURM names an array task. */
  task: string;
  /** pending, running, completed, failed, cancelled, timeout, or SLURM's own word lowercased. */
  state: string;
}

export interface SlurmCells {
  /** Cell number → its latest task. */
  cells: Map<number, TaskState>;
  /** The jobs and where their states came from, or why they could not be had. */
  note: string;
}

/** Nothing where no job was submitted to `out`. */
export function slurmCells(out: string): SlurmCells | undefined {
  const path = join(out, 'slurm', 'jobs');
  if (!existsSync(path)) return undefined;
  const jobs = readText(path).split('\n').filter(Boolean);
  const sacct = query('sacct', ['-X', '-n', '-P', '-j', jobs.join(','), '-o', 'JobID,State']);
  const cells = new Map<number, TaskState>();
  const from = new Set<string>();
  const why = sacct.ok ? [] : [`sacct: ${sacct.error}`];
  for (const job of jobs) {
    // sacct first: it keeps ended tasks, which squeue forgets minutes after.
    let tasks = sacct.ok ? tasksOf(job, sacct.lines) : new Map<number, string>();
    if (tasks.size) from.add('sacct');
    else {
      // One job at a time: squeue refuses a whole list over one job it has forgotten.
      const squeue = query('squeue', ['-h', '-t', 'all', '-j', job, '-o', '%i|%T']);
      if (!squeue.ok) why.push(`squeue on job ${job}: ${squeue.error}`);
      tasks = squeue.ok ? tasksOf(job, squeue.lines) : tasks;
      if (tasks.size) from.add('squeue');
    }
    // In submission order: a resubmitted cell's latest task wins.
    for (const [cell, state] of tasks) cells.set(cell, { task: `${job}_${cell}`, state: word(state) });
  }
  const source = from.size ? `states from ${[...from].join(' and ')}` : 'neither sacct nor squeue knows their tasks';
  return { cells, note: `slurm jobs ${jobs.join(', ')}: ${source}${why.length ? ` (${why.join('; ')})` : ''}` };
}

interface Query {
  ok: boolean;
  lines: string[];
  error: string;
}

function query(cmd: string, args: string[]): Query {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 30_000 });
  if (r.error) return { ok: false, lines: [], error: r.error.message };
  if (r.status !== 0) return { ok: false, lines: [], error: r.stderr.trim().split('\n').pop() || `exit ${r.status}` };
  return { ok: true, lines: r.stdout.split('\n').filter(Boolean), error: '' };
}

/**
 * The array tasks of `job` in `id|STATE` lines: `12_3` one task, `12_[0-2,5%2]`
 * the tasks not yet started (with a limit on how many run at once).
 */
export function tasksOf(job: string, lines: readonly string[]): Map<number, string> {
  const m = new Map<number, string>();
  for (const line of lines) {
    const [id = '', state = ''] = line.split('|');
    const t = /^(\d+)_(?:(\d+)|\[([\d,-]+)(?:%\d+)?\])$/.exec(id.trim());
    if (!t || t[1] !== job) continue;
    for (const k of t[2] !== undefined ? [Number(t[2])] : expand(t[3]!)) m.set(k, state.trim());
  }
  return m;
}

function expand(ranges: string): number[] {
  return ranges.split(',').flatMap((r) => {
    const [a, b = a] = r.split('-').map(Number) as [number, number?];
    return Array.from({ length: b - a + 1 }, (_, i) => a + i);
  });
}

/** SLURM's state in one word: sacct says `CANCELLED by 0`; a task ending or starting still runs. */
function word(state: string): string {
  const s = state.split(' ')[0]!.toLowerCase();
  if (s === 'completing' || s === 'configuring') return 'running';
  if (s === 'requeued') return 'pending';
  if (s === 'out_of_memory' || s === 'node_fail' || s === 'boot_fail') return `failed (${s})`;
  return s;
}
