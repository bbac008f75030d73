// `npm run bench -- --datagen`: trajectory generation, the solver's step on
// the GPU in float32 (src/driver/generate-gpu.ts) against the float64
// interpreter on the CPU, on the issue's two workloads; and how far apart
// their trajectories are. `--datagen N` runs the float64 path on the first N
// trajectories only and scales its time to all of them (each trajectory is
// stepped alone), as the row then says.
import os from 'node:os';
import type { Machine } from './gpu.js';
import { generateData } from '../src/data/generate.js';
import type { Trajectories } from '../src/data/trajectories.js';
import { generateOnGpu } from '../src/driver/generate-gpu.js';
import type { GeneratorData } from '../src/dsl/ast.js';
import { METHODS } from '../src/dsl/schema.js';

interface Case {
  label: string;
  decl: GeneratorData;
}

const span = { offset: 0, line: 1, column: 1, length: 1 };
const decl = (generator: GeneratorData['generator'], points: number, dims: number, trajectories: number, steps: number): GeneratorData => ({
  kind: 'generator',
  generator,
  points,
  dims,
  trajectories,
  snapshots: steps + 1,
  testSnapshots: steps + 1,
  testTrajectories: 0,
  seed: 0,
  params: {},
  method: METHODS[generator][0],
  span,
});

/** The solvers' defaults (docs/spectral.md): KS L = 60, dt 0.1; Navier–Stokes nu 0.01, L = 1, dt 0.01; one substep each. */
const CASES: readonly Case[] = [
  { label: 'KS 1-D, 256 points', decl: decl('ks', 256, 1, 50, 200) },
  { label: 'NS 2-D, 64×64', decl: decl('navier_stokes', 64, 2, 20, 100) },
];

interface Row {
  label: string;
  trajectories: number;
  steps: number;
  /** The second run: the step's pipelines already made. */
  gpuMs: number;
  /** The first: with the compile. */
  firstMs: number;
  cpuMs: number;
  cpuTrajectories: number;
  /** Relative L2 distance of GPU from float64 per trajectory, the largest: after step 1 and after the last. */
  first: number;
  last: number;
}

/** Times every case (the float64 path on the first `cpuTrajectories` only, where given) and returns the report's text. */
export async function datagen(machine: Machine, log: (s: string) => void, cpuTrajectories?: number): Promise<string> {
  const rows: Row[] = [];
  for (const c of CASES) {
    const { trajectories, snapshots } = c.decl;
    // A CPU adapter compiles a pipeline at its first dispatch, so the first
    // run's time is the compile's; the second reuses the device's pipelines.
    log(`datagen ${c.label}: txc gpu, first run`);
    let t0 = performance.now();
    await generateOnGpu(c.decl);
    const firstMs = performance.now() - t0;
    log(`datagen ${c.label}: txc gpu, second run`);
    t0 = performance.now();
    const gpu = (await generateOnGpu(c.decl)).train;
    const gpuMs = performance.now() - t0;
    const k = Math.min(trajectories, cpuTrajectories ?? trajectories);
    log(`datagen ${c.label}: float64 cpu, ${k} of ${trajectories} trajectories`);
    t0 = performance.now();
    const cpu = generateData({ ...c.decl, trajectories: k }).train;
    const cpuMs = ((performance.now() - t0) * trajectories) / k;
    rows.push({ label: c.label, trajectories, steps: snapshots - 1, gpuMs, firstMs, cpuMs, cpuTrajectories: k, first: worst(gpu, cpu, 1), last: worst(gpu, cpu, snapshots - 1) });
  }
  return format(machine, rows) + '\n' + (await divergence(log));
}

/** The largest over `b`'s trajectories of their distance at snapshot t (a has as many or more). */
function worst(a: Trajectories, b: Trajectories, t: number): number {
  return Math.max(...Array.from({ length: b.shape[0]! }, (_, i) => distance(a, b, i, t)));
}

/** ||a - b|| / ||b|| at snapshot t of trajectory i. */
function distance(a: Trajectories, b: Trajectories, i: number, t: number): number {
  const [n, snapshots] = b.shape as [number, number];
  const size = b.data.length / (n * snapshots);
  let [e, r] = [0, 0];
  for (let j = 0, at = (i * snapshots + t) * size; j < size; j++, at++) {
    e += (a.data[at]! - b.data[at]!) ** 2;
    r += b.data[at]! ** 2;
  }
  return Math.sqrt(e / r);
}

function format(machine: Machine, rows: Row[]): string {
  const ms = (x: number) => x.toFixed(0);
  const rate = (r: Row, x: number) => ((r.trajectories * r.steps) / (x / 1000)).toPrecision(3);
  const table = [
    ['data generation', 'trajectories × steps', 'txc gpu ms, first run', 'txc gpu ms', 'gpu steps/s', 'float64 cpu ms', 'cpu steps/s', 'cpu / gpu (first run)', 'gpu vs float64, step 1 / last'],
    ...rows.map((r) => [
      r.label,
      `${r.trajectories} × ${r.steps}`,
      ms(r.firstMs),
      ms(r.gpuMs),
      rate(r, r.gpuMs),
      `${ms(r.cpuMs)}${r.cpuTrajectories < r.trajectories ? ` (${r.cpuTrajectories} timed, scaled)` : ''}`,
      rate(r, r.cpuMs),
      `${(r.cpuMs / r.gpuMs).toFixed(2)}× (${(r.cpuMs / r.firstMs).toFixed(2)}×)`,
      `${r.first.toExponential(1)} / ${r.last.toExponential(1)}`,
    ]),
  ];
  const widths = table[0]!.map((_, c) => Math.max(...table.map((r) => [...r[c]!].length)));
  const line = (r: string[]) => `| ${r.map((cell, c) => cell.padEnd(widths[c]!)).join(' | ')} |`;
  return [
    `# txc data-generation benchmark — ${new Date().toISOString()}`,
    '',
    `machine: ${machine.cpu}, ${machine.cores} cores; WebGPU: ${machine.adapter}; load average after: ${os.loadavg().map((x) => x.toFixed(2)).join(', ')}`,
    'steps/s: trajectory steps per second (trajectories × steps / time). txc gpu: the whole generation, compiled already (the first run, with the compile, beside it). gpu vs float64: the largest relative L2 distance over the trajectories both ran.',
    '',
    line(table[0]!),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...table.slice(1).map(line),
    '',
  ].join('\n');
}

/** KS's float32 and float64 trajectories parting: docs/spectral.md's numbers. */
const DIVERGENCE = { decl: decl('ks', 256, 1, 20, 1500), dt: 0.1, threshold: 1e-2 };

/** The distance per step over DIVERGENCE's trajectories (geometric mean, min, max), when each passes the threshold, and the growth rate. */
export async function divergence(log: (s: string) => void): Promise<string> {
  const { decl: d, dt, threshold } = DIVERGENCE;
  log(`datagen: KS divergence, ${d.trajectories} trajectories × ${d.snapshots - 1} steps on the gpu and in float64`);
  const gpu = (await generateOnGpu(d)).train;
  const cpu = generateData(d).train;
  const n = d.trajectories;
  const per = Array.from({ length: d.snapshots }, (_, t) => Array.from({ length: n }, (_, i) => distance(gpu, cpu, i, t)));
  const gmean = per.map((xs) => Math.exp(xs.reduce((a, x) => a + Math.log(x), 0) / n));
  const passes = Array.from({ length: n }, (_, i) => per.findIndex((xs) => xs[i]! > threshold)).map((t) => (t < 0 ? Infinity : t)).sort((a, b) => a - b);
  const rate = (a: number, b: number) => (Math.log(gmean[b]! / gmean[a]!) / ((b - a) * dt)).toFixed(3);
  const shown = [0, 1, 10, 50, ...Array.from({ length: 15 }, (_, k) => 100 * (k + 1))].filter((t) => t < d.snapshots);
  return [
    `KS 1-D (256 points, L = 60, dt ${dt}), ${n} trajectories: relative L2 distance of txc gpu (float32) from float64`,
    '',
    '| step | geometric mean | min | max |',
    '|---|---|---|---|',
    ...shown.map((t) => `| ${t} | ${gmean[t]!.toExponential(2)} | ${Math.min(...per[t]!).toExponential(2)} | ${Math.max(...per[t]!).toExponential(2)} |`),
    '',
    `first step past ${threshold}: geometric mean ${gmean.findIndex((x) => x > threshold)}; per trajectory ${passes.map((t) => (t === Infinity ? 'never' : t)).join(' ')} (median ${(passes[(n - 1) >> 1]! + passes[n >> 1]!) / 2})`,
    `growth of the geometric mean per unit of time: steps 200–500 ${rate(200, 500)}, 400–700 ${rate(400, 700)}`,
    '',
  ].join('\n');
}
