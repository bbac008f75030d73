// Runs one peer on one workload: the correctness gate, the warm-up, then the
// two timed modes.
import os from 'node:os';
import { dispatchCount } from './gpu.js';
import type { Peer, Run } from './peer.js';
import { Unavailable } from './peer.js';
import type { Workload } from './workloads.js';

export interface MeasureOptions {
  /** Steps before timing, the gate's included (plus one untimed pipelined group). */
  warmup: number;
  /** ...and at least this long: JS engines and libraries settle (tiering, caches) over the first seconds. */
  warmupSeconds: number;
  /** Timed steps per mode. */
  steps: number;
  /** Steps per read-back in the pipelined mode. */
  every: number;
  /** Steps compared with the float64 reference. */
  gate: number;
  /** Relative tolerance of the gate. */
  tolerance: number;
  /**
   * A timed mode stops early (with fewer steps) once it has taken this long.
   * A peer whose gated step alone took longer is timed on one more step,
   * synchronous only: at minutes per step a second mode and a warm-up would
   * take hours and tell nothing the one step does not.
   */
  maxSeconds: number;
}

export interface Gate {
  losses: number[];
  reference: number[];
  /** max |loss - ref| / |ref| over the gated steps. */
  maxRel: number;
  agree: boolean;
}

export type Result =
  | { peer: string; device: string; status: 'unavailable' | 'failed'; reason: string }
  | {
      peer: string;
      device: string;
      status: 'ok';
      gate: Gate;
      /** Median ms per step, the loss read back at the end of each step. */
      syncMs: number;
      /** Mean of the same: includes the pauses (GC, compilation) the median hides. */
      syncMeanMs: number;
      syncSteps: number;
      /** Steps run before timing. */
      warmupSteps: number;
      /** ms per step over the pipelined steps (total / steps), the losses read back every `every` steps; undefined for a peer too slow for it (maxSeconds). */
      pipeMs?: number;
      pipeSteps: number;
      /** Compute dispatches per step (WebGPU peers), counted over the synchronous steps. */
      dispatches?: number;
      /** The loss of the last step. */
      lastLoss: number;
      /** 1-minute load average when the timing ended: above the core count, something else shared the CPU. */
      load: number;
      notes: string[];
    };

/** Warm-up steps at most when warming up by time. */
const WARMUP_CAP = 500;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

export async function measure(peer: Peer, w: Workload, o: MeasureOptions, log: (s: string) => void): Promise<Result> {
  const id = { peer: peer.name, device: peer.device };
  let run: Run;
  try {
    run = await peer.prepare(w);
  } catch (e) {
    if (e instanceof Unavailable) return { ...id, status: 'unavailable', reason: e.message };
    return { ...id, status: 'failed', reason: `setup failed: ${firstLine(e)}` };
  }
  try {
    const r = await timed(run, w, o, log);
    return { ...id, status: 'ok', ...r, dispatches: peer.gpu ? r.dispatches : undefined, notes: run.notes };
  } catch (e) {
    return { ...id, status: 'failed', reason: firstLine(e) };
  } finally {
    try {
      await run.dispose();
    } catch {
      /* a failed run may not dispose cleanly; the next peer does not depend on it */
    }
  }
}

async function timed(run: Run, w: Workload, o: MeasureOptions, log: (s: string) => void) {
  let i = 0;
  const one = async () => (await run.read([run.step(i++)]))[0]!;
  // The gate: the first steps from the shared initial parameters, read one by one.
  const losses: number[] = [];
  const gateStart = performance.now();
  for (let g = 0; g < o.gate; g++) losses.push(await one());
  const slow = performance.now() - gateStart > o.gate * o.maxSeconds * 1000;
  const reference = w.reference64.slice(0, o.gate);
  const rel = losses.map((l, k) => Math.abs(l - reference[k]!) / Math.max(Math.abs(reference[k]!), 1e-30));
  const maxRel = rel.some((r) => !Number.isFinite(r)) ? Infinity : Math.max(...rel);
  const gate: Gate = { losses, reference, maxRel, agree: maxRel <= o.tolerance };
  log(`gate ${gate.agree ? 'ok' : 'FAILED'} (max rel ${maxRel.toExponential(1)})`);
  if (slow) {
    const d0 = dispatchCount();
    const t = performance.now();
    const last = await one();
    const syncMs = performance.now() - t;
    log(`a step takes over ${o.maxSeconds} s: one synchronous step timed, ${syncMs.toFixed(0)} ms`);
    return { gate, load: os.loadavg()[0]!, warmupSteps: o.gate, syncMs, syncMeanMs: syncMs, syncSteps: 1, pipeSteps: 0, dispatches: dispatchCount() - d0, lastLoss: last };
  }

  // Warm-up: both paths (single and batched read-back) compiled and run.
  const warm = performance.now();
  while (i < o.warmup || (performance.now() - warm < o.warmupSeconds * 1000 && i < WARMUP_CAP)) await one();
  await run.read(Array.from({ length: o.every }, () => run.step(i++)));

  // Synchronous: each step's loss read back before the next step starts.
  const deadline = (t: number) => performance.now() - t > o.maxSeconds * 1000;
  const times: number[] = [];
  const d0 = dispatchCount();
  let start = performance.now();
  let last = NaN;
  while (times.length < o.steps) {
    const t = performance.now();
    last = await one();
    times.push(performance.now() - t);
    if (deadline(start)) break;
  }
  const dispatches = (dispatchCount() - d0) / times.length;

  // Pipelined: `every` steps enqueued, then their losses read back together.
  let pipeSteps = 0;
  start = performance.now();
  while (pipeSteps < o.steps) {
    const n = Math.min(o.every, o.steps - pipeSteps);
    const ls = await run.read(Array.from({ length: n }, () => run.step(i++)));
    last = ls.at(-1)!;
    pipeSteps += n;
    if (deadline(start)) break;
  }
  const pipeMs = (performance.now() - start) / pipeSteps;
  const syncMs = median(times);
  const syncMeanMs = times.reduce((a, b) => a + b, 0) / times.length;
  log(`sync ${syncMs.toFixed(2)} ms/step (${times.length}), pipelined ${pipeMs.toFixed(2)} ms/step (${pipeSteps})`);
  return { gate, load: os.loadavg()[0]!, warmupSteps: i - pipeSteps - times.length, syncMs, syncMeanMs, syncSteps: times.length, pipeMs, pipeSteps, dispatches, lastLoss: last };
}

function firstLine(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.split('\n')[0]!.slice(0, 300);
}
