// The report: a header (date, machine, versions, method) and one table per workload.
import type { Machine } from './gpu.js';
import type { MeasureOptions, Result } from './measure.js';
import type { Peak } from './peak.js';
import type { WorkloadInfo } from './workloads.js';

/** How a workload was measured, with the number of distinct minibatches it cycled. */
export type RunOptions = MeasureOptions & { pool: number };

/** What one `npm run bench` measured: its JSON (`--json`) and, formatted, its tables. */
export type Report = {
  date: string;
  machine: Machine;
  peak: Peak | string;
  versions: Record<string, string>;
  /** The options of the workloads without a budget of their own. */
  options: RunOptions;
  workloads: { workload: WorkloadInfo; flops: number; options: RunOptions; results: Result[] }[];
};

const steps = (n: number) => `${n} step${n === 1 ? '' : 's'}`;

/** A workload's options where they differ from the report's. */
function ownBudget(o: RunOptions, base: RunOptions): string | undefined {
  const keys = ['gate', 'warmup', 'warmupSeconds', 'every', 'steps', 'pool'] as const;
  if (keys.every((k) => o[k] === base[k])) return undefined;
  return (
    `Its own budget (its steps are long): the loss check on ${o.gate > 1 ? `steps 0–${o.gate - 1}` : 'step 0'}, warm-up at least ${steps(o.warmup)} and ${o.warmupSeconds} s, ` +
    `then ${o.every} pipelined; ${steps(o.steps)} per mode, read back every ${o.every} when pipelined; ${o.pool} distinct minibatches.`
  );
}

const ms = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
/** GFLOP/s, and its share of the device's matrix-product rate where measured. */
const rate = (gflops: number, peak: number | undefined) => `${gflops.toPrecision(3)}${peak ? ` (${((100 * gflops) / peak).toFixed(gflops < peak / 100 ? 2 : 0)}%)` : ''}`;
const ratio = (x: number, base: number | undefined) => (base === undefined ? '—' : `${(x / base).toFixed(2)}×`);

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => [...(r[c] ?? '')].length)));
  const line = (r: string[]) => r.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd();
  return [line(rows[0]!), widths.map((n) => '-'.repeat(n)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

function lossCell(r: Extract<Result, { status: 'ok' }>, tolerance: number): string {
  const g = r.gate;
  if (g.agree) return `agree (max rel ${g.maxRel.toExponential(1)})`;
  const k = g.losses.findIndex((l, j) => !(Math.abs(l - g.reference[j]!) <= Math.abs(g.reference[j]!) * tolerance));
  return `DISAGREE: step ${k}: ${g.losses[k]!.toPrecision(6)} vs ${g.reference[k]!.toPrecision(6)} (max rel ${g.maxRel.toExponential(1)})`;
}

export function formatReport(rep: Report): string {
  const o = rep.options;
  const out: string[] = [];
  out.push(`# txc training-step benchmark — ${rep.date}`);
  out.push('');
  out.push(`machine: ${rep.machine.cpu}, ${rep.machine.cores} cores, ${rep.machine.memory}; Node ${rep.machine.node}`);
  out.push(`WebGPU:  ${rep.machine.adapter}`);
  const pk = rep.peak;
  out.push(
    typeof pk === 'string'
      ? `device rates: not measured (${pk})`
      : `device rates: float32 matrix product ${pk.matmul.gflops.toFixed(0)} GFLOP/s (${pk.matmul.n}³, ${pk.matmul.kernel}, the fastest of the kernels tried${pk.wrong.length ? `; left out for a wrong product: ${pk.wrong.join(', ')}` : ''}); buffer copy ${pk.copy.toFixed(0)} GB/s (read + write)`,
  );
  out.push(`versions: ${Object.entries(rep.versions).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  out.push(
    `method: float32 everywhere; data and optimizer state already on the device; warm-up: at least ${o.warmup} steps and ${o.warmupSeconds} s (the first ${o.gate} steps are the loss check), then ${o.every} pipelined; then ` +
      `${o.steps} steps per mode — sync: the loss read back at the end of every step (median ms/step); pipelined: read back every ${o.every} steps (total / steps). ` +
      `×txc = peer time / txc time (above 1: txc is faster). Dispatches: GPUComputePassEncoder.dispatchWorkgroups calls per step. ${o.pool} distinct minibatches, cycled. ` +
      `load: the 1-minute load average after the peer's timing; above ${rep.machine.cores} (the bench itself counts for about 1–2 on lavapipe), other processes shared the cores and the times are inflated.`,
  );
  const peakRate = typeof rep.peak === 'string' ? undefined : rep.peak.matmul.gflops;
  for (const { workload, flops, options: wo, results } of rep.workloads) {
    out.push('');
    out.push(`## ${workload.id}: ${workload.title}  (bench/specs/${workload.file})`);
    out.push('');
    out.push(`${(flops / 1e6).toPrecision(3)} MFLOP per step (the graph's forward, backward and losses, as txc counts them).`);
    const own = ownBudget(wo, o);
    if (own) out.push(own);
    out.push('');
    const gated = wo.gate > 1 ? `steps 0–${wo.gate - 1}` : 'step 0';
    const txc = results.find((r) => r.peer === 'txc' && r.status === 'ok') as Extract<Result, { status: 'ok' }> | undefined;
    const rows = [['peer', 'device', 'ms/step sync', 'ms/step pipelined', 'dispatches/step', '×txc sync', '×txc pipelined', 'GFLOP/s pipelined', 'load', `losses (${gated} vs float64 CPU)`]];
    const notes: string[] = [];
    for (const r of results) {
      if (r.status !== 'ok') {
        rows.push([r.peer, r.device, r.status === 'unavailable' ? 'cannot run' : 'failed', '', '', '', '', '', '', r.reason]);
        continue;
      }
      const short = (n: number) => (n < wo.steps ? ` (${steps(n)})` : '');
      rows.push([
        r.peer,
        r.device,
        ms(r.syncMs) + short(r.syncSteps),
        r.pipeMs === undefined ? `— (a step over ${wo.maxSeconds} s)` : ms(r.pipeMs) + short(r.pipeSteps),
        r.dispatches === undefined ? '—' : Number.isInteger(r.dispatches) ? String(r.dispatches) : r.dispatches.toFixed(1),
        r.peer === 'txc' ? '1.00×' : ratio(r.syncMs, txc?.syncMs),
        r.pipeMs === undefined ? '—' : r.peer === 'txc' ? '1.00×' : ratio(r.pipeMs, txc?.pipeMs),
        r.pipeMs === undefined ? `${rate(flops / r.syncMs / 1e6, peakRate)}, sync` : rate(flops / r.pipeMs / 1e6, peakRate),
        r.load.toFixed(1),
        lossCell(r, wo.tolerance),
      ]);
      notes.push(...r.notes);
    }
    out.push(table(rows));
    out.push('');
    const ok = results.filter((r): r is Extract<Result, { status: 'ok' }> => r.status === 'ok');
    const bad = ok.filter((r) => !r.gate.agree);
    const ref = ok[0]?.gate.reference ?? [];
    out.push(
      `All peers start from the same initial parameters (txc's seeded init) and the same minibatches (txc's schedule). ` +
        (ok.length === 0
          ? 'No peer ran.'
          : bad.length === 0
            ? `Losses agree: every peer that ran matches txc's float64 CPU reference (${ref.map((x) => x.toPrecision(6)).join(', ')}) to ${wo.tolerance.toExponential(0)} relative on ${gated}.`
            : `Losses DISAGREE for ${bad.map((r) => `${r.peer} ${r.device}`).join(', ')} (reference ${ref.map((x) => x.toPrecision(6)).join(', ')}).`),
    );
    for (const n of new Set(notes)) out.push(`Note: ${n}`);
  }
  out.push('');
  return out.join('\n');
}
