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
import { UserError } from '../src/util/diagnostics.js';
import type { Workload } from './workloads.js';

/** Members each workload is measured with, where it has ensemble rows. */
export const ENSEMBLES: Readonly<Record<string, number>> = { W1a: 10, W5: 4 };

export interface EnsembleRow {
  workload: string;
  members: number;
  /** Programs the members took: 1, or more where the device cannot hold them in one. */
  programs: number;
  /** Pipelined ms per step, one seed and the ensemble. */
  oneMs: number;
  ensembleMs: number;
  /** GPU buffers of the step, MiB (of the largest program). */
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
  const mib = (m: number) => specStep(w.run.spec, w.run.config, w.run.graph, deviceTarget(device), { members: m }).buffers.reduce((a, x) => a + (x.of ? 0 : x.bytes), 0) / 2 ** 20;
  log(`${w.id}: one seed`);
  const one = await timed([w.run], 0, indices, w.lr, device, b);
  log(`${w.id}: ${members} seeds as one program (or as few as fit the device)`);
  const many = await grouped(runs, 0, indices, w.lr, device, b, log);
  return {
    workload: w.id,
    members,
    programs: many.sizes.length,
    oneMs: one.ms,
    ensembleMs: many.ms,
    oneMiB: mib(1),
    ensembleMiB: Math.max(...many.sizes.map(mib)),
    same: many.losses.every((l, i) => Object.is(l, one.losses[i])),
    steps: b.steps,
  };
}

interface Timed {
  /** Pipelined ms per step. */
  ms: number;
  /** The first member's losses from the first step. */
  losses: number[];
}

/**
 * The runs as one program, or, where the device cannot hold them in one (its
 * buffer and binding limits: codegen/bindings.ts), in halves one after the
 * other, as driver/ensemble.ts trains them: the step then costs the sum.
 */
async function grouped(runs: readonly Run[], first: number, indices: (m: number, i: number) => number[], lr: number, device: GPUDevice, b: EnsembleBudget, log: (s: string) => void): Promise<Timed & { sizes: number[] }> {
  try {
    return { ...(await timed(runs, first, indices, lr, device, b)), sizes: [runs.length] };
  } catch (e) {
    if (!(e instanceof UserError) || runs.length === 1) throw e;
    const half = Math.ceil(runs.length / 2);
    log(`${runs.length} members do not fit one program (${e.message}): two of ${half} and ${runs.length - half}`);
    const a = await grouped(runs.slice(0, half), first, indices, lr, device, b, log);
    const z = await grouped(runs.slice(half), first + half, indices, lr, device, b, log);
    return { ms: a.ms + z.ms, losses: a.losses, sizes: [...a.sizes, ...z.sizes] };
  }
}

/** The runs' ensemble timed after a warm-up; `first`: the first run's member number, which picks its minibatches. */
async function timed(runs: readonly Run[], first: number, indices: (m: number, i: number) => number[], lr: number, device: GPUDevice, b: EnsembleBudget): Promise<Timed> {
  const execs = await gpuEnsemble(runs, device);
  const losses: number[] = [];
  let i = 0;
  const steps = async (n: number, every: number) => {
    for (let k = 0; k < n; k += every) {
      const group = Math.min(every, n - k);
      for (let j = 0; j < group; j++, i++) execs.forEach((e, m) => e.step(indices(first + m, i), lr));
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
    r.programs > 1 ? `${r.members} (${r.programs} programs)` : String(r.members),
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
