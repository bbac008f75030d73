// Seeds as one program (src/codegen/members.ts): a workload's step with E
// members, each with its own initialisation and minibatches, against the
// same step with one seed, in the same process. "Separate runs" is E times
// the one seed's time (E programs one after another take that long; run side
// by side on one device they share it). Member 0 starts as the one seed does
// and gets its minibatches, so its losses must equal the single run's bit
// for bit.
import type { Run } from '../src/driver/run.js';
import { specStep } from '../src/spec-step.js';
import { deviceTarget } from '../src/runtime/gpu/target-probe.js';
import type { StepExecutor } from '../src/train/executor.js';
import { gpuEnsemble } from '../src/train/executors.js';
import type { Workload } from './workloads.js';

/** Members each workload is measured with, where it has ensemble rows. */
export const ENSEMBLES: Readonly<Record<string, number>> = { W1a: 10, W5: 4 };

export interface EnsembleRow {
  workload: string;
  members: number;
  /** Pipelined ms per step, one seed and the ensemble. */
  oneMs: number;
  ensembleMs: number;
  /** GPU buffers of the step, MiB. */
  oneMiB: number;
  ensembleMiB: number;
  /** Whether member 0's losses equal the single run's, bit for bit. */
  same: boolean;
  steps: number;
}

export interface EnsembleBudget {
  warmup: number;
  steps: number;
  every: number;
}

export async function measureEnsemble(w: Workload, members: number, device: GPUDevice, b: EnsembleBudget, log: (s: string) => void): Promise<EnsembleRow> {
  const runs: Run[] = [...Array(members).keys()].map((s) => ({ ...w.run, initSeed: w.run.initSeed + s }));
  // Member m trains on the pool's minibatches from the m-th on: its own order.
  const indices = (m: number, i: number) => w.indices[(i + m) % w.indices.length]!;
  log(`${w.id}: one seed`);
  const one = await timed([w.run], indices, w.lr, device, b);
  log(`${w.id}: ${members} seeds as one program`);
  const many = await timed(runs, indices, w.lr, device, b);
  const mib = (m: number) => specStep(w.run.spec, w.run.config, w.run.graph, deviceTarget(device), { members: m }).buffers.reduce((a, x) => a + (x.of ? 0 : x.bytes), 0) / 2 ** 20;
  return { workload: w.id, members, oneMs: one.ms, ensembleMs: many.ms, oneMiB: mib(1), ensembleMiB: mib(members), same: many.losses.every((l, i) => Object.is(l, one.losses[i])), steps: b.steps };
}

/** Pipelined ms per step of the runs' ensemble after a warm-up, and member 0's losses from the first step. */
async function timed(runs: readonly Run[], indices: (m: number, i: number) => number[], lr: number, device: GPUDevice, b: EnsembleBudget): Promise<{ ms: number; losses: number[] }> {
  const execs = await gpuEnsemble(runs, device);
  const losses: number[] = [];
  let i = 0;
  const steps = async (n: number, every: number) => {
    for (let k = 0; k < n; k += every) {
      const group = Math.min(every, n - k);
      for (let j = 0; j < group; j++, i++) execs.forEach((e, m) => e.step(indices(m, i), lr));
      for (const [m, e] of execs.entries()) for (let j = 0; j < group; j++) record(m, await take(e));
    }
  };
  const record = (m: number, loss: number) => m === 0 && losses.push(loss);
  try {
    await steps(b.warmup, 1);
    const t0 = performance.now();
    await steps(b.steps, b.every);
    return { ms: (performance.now() - t0) / b.steps, losses };
  } finally {
    for (const e of execs) e.dispose?.();
  }
}

function take(e: StepExecutor): Promise<number> {
  return Promise.resolve(e.takeLoss());
}

export function ensembleTable(rows: readonly EnsembleRow[]): string {
  const head = ['workload', 'seeds', 'one seed ms/step', 'ensemble ms/step', '÷ one seed', '÷ separate runs', 'memory MiB (one → all)', 'member 0 = one seed'];
  const body = rows.map((r) => [
    r.workload,
    String(r.members),
    r.oneMs.toFixed(2),
    r.ensembleMs.toFixed(2),
    `${(r.ensembleMs / r.oneMs).toFixed(2)}×`,
    `${(r.ensembleMs / (r.members * r.oneMs)).toFixed(2)}×`,
    `${r.oneMiB.toFixed(1)} → ${r.ensembleMiB.toFixed(1)} (${(r.ensembleMiB / r.oneMiB).toFixed(2)}×)`,
    r.same ? `bit-identical (${r.steps} steps)` : 'DIFFERS',
  ]);
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [
    '',
    '## Seeds as one program (src/codegen/members.ts): pipelined ms per step; "separate runs" is seeds × one seed',
    '',
    line(head),
    line(head.map(() => '---')),
    ...body.map(line),
    '',
  ].join('\n');
}
