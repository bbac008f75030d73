// The end-of-training texts `tx train` prints and the playground shows: one
// definition, so the page and the terminal say the same thing.
import type { Evaluation } from './evaluate.js';
import type { LossRecord } from './trainer.js';
import type { UpwindDistance } from './upwind.js';

/** Seconds compiling (up to the first loss read back), and steps per second after that, where known. */
export interface Timing {
  compile?: number;
  rate?: number;
}

/** The first line of a run's summary. */
/** `flops`: a step's floating-point operations (graphFlops), for the rate the device achieved. */
export function trainedText(file: string, config: { name: string; text: string }, device: string, steps: number, seconds: number, t: Timing, flops?: number): string {
  const rate = t.rate !== undefined && `${t.compile !== undefined ? 'then ' : ''}${t.rate.toFixed(1)} steps/s${flops ? `, ${gflops(t.rate * flops)} GFLOP/s` : ''}`;
  const how = [t.compile !== undefined && `${t.compile.toFixed(1)} s compiling and the first steps`, rate].filter(Boolean).join(', ');
  return `trained ${file} (config ${config.name}: ${config.text}) on ${device}: ${steps} steps in ${seconds.toFixed(1)} s${how ? ` (${how})` : ''}`;
}

function gflops(flopsPerSecond: number): string {
  const g = flopsPerSecond / 1e9;
  return g >= 10 ? g.toFixed(0) : g.toPrecision(2);
}

/**
 * loss.csv. Numbers print as JS's shortest round-trip form: reading the CSV
 * back gives the same doubles. Where steps logged their norms, two more
 * columns hold them (empty for a step that did not).
 */
export function lossCsv(history: readonly LossRecord[]): string {
  const norms = history.some((r) => r.norms);
  const cells = (r: LossRecord) => (norms ? `,${r.norms?.grad ?? ''},${r.norms?.weight ?? ''}` : '');
  return `step,epoch,loss${norms ? ',grad_norm,weight_norm' : ''}\n` + history.map((r) => `${r.step},${r.epoch},${r.loss}${cells(r)}\n`).join('');
}

export function evaluationText(e: Evaluation): string {
  if (!e.nrmse.length) return `evaluation: the trajectories are too short for a rollout step`;
  const cells = e.nrmse.map((r) => `step ${r.step}: ${r.value.toExponential(3)}`).join('   ');
  return `rollout nRMSE (per sample ||pred - ref|| / ||ref||, mean) on ${e.note}:\n  ${cells}`;
}

export function upwindText(d: UpwindDistance): string {
  const v = (xs: number[]) => `[${xs.map((x) => x.toFixed(4)).join(', ')}]`;
  return `learned kernel ${v(d.kernel)}, upwind stencil [1+CFL, -CFL] = ${v(d.stencil)}, distance ${d.distance.toFixed(4)}`;
}
