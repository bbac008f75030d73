// Trajectories stepped on the GPU in float32 against the float64 CPU path
// (and, for advection, against the exact shift): a linear and a nonlinear
// non-chaotic system agree to float32 accuracy over every step; KS, which
// is chaotic, only over the first ones (docs/spectral.md: how fast they part).
import { describe, expect, test } from 'vitest';
import { etdrkStepper } from '../../src/data/etdrk/builtin.js';
import { stepGraph, type SolverSpec } from '../../src/data/etdrk/catalogue.js';
import { generateData, initialState } from '../../src/data/generate.js';
import { GENERATOR_PARAMS, SystemParams } from '../../src/data/params.js';
import { Rng } from '../../src/data/rng.js';
import type { Trajectories } from '../../src/data/trajectories.js';
import { defaultDataDevice } from '../../src/driver/data-device.js';
import { generateOnGpu, generatesOnGpu } from '../../src/driver/generate-gpu.js';
import { gpuDevice } from '../../src/runtime/gpu/device.js';
import { GpuLoop } from '../../src/runtime/gpu/loop.js';
import { compiling } from '../budgets.js';
import { generatorDecl } from '../data/decl.js';

/** ||a - b|| / ||b|| over one snapshot of one trajectory. */
function relative(a: Trajectories, b: Trajectories, i: number, t: number): number {
  const [, snapshots] = b.shape as [number, number];
  const size = b.data.length / (b.shape[0]! * snapshots);
  let [e, r] = [0, 0];
  for (let j = 0, at = (i * snapshots + t) * size; j < size; j++, at++) {
    e += (a.data[at]! - b.data[at]!) ** 2;
    r += b.data[at]! ** 2;
  }
  return Math.sqrt(e / r);
}

/** The largest relative distance at each snapshot, over the trajectories. */
function worstPerStep(a: Trajectories, b: Trajectories): number[] {
  const [n, snapshots] = b.shape as [number, number];
  return Array.from({ length: snapshots }, (_, t) => Math.max(...Array.from({ length: n }, (_, i) => relative(a, b, i, t))));
}

describe('which generators the GPU steps', () => {
  test('step graphs on grids of 2 to 1024 points of factors 2, 3 and 5; not finite differences, Lorenz-63, or other sizes', async () => {
    const decl = generatorDecl({ points: 32 });
    expect(generatesOnGpu(decl({}))).toBe(true); // 1-D spectral advection: an ETDRK0 graph
    expect(generatesOnGpu(decl({ generator: 'ks', points: 64 }))).toBe(true);
    expect(generatesOnGpu(decl({ generator: 'navier_stokes', points: 16, dims: 2 }))).toBe(true);
    expect(generatesOnGpu(decl({ generator: 'ks', points: 160 }))).toBe(true);
    expect(generatesOnGpu(decl({ generator: 'ks', points: 56 }))).toBe(false);
    expect(generatesOnGpu(decl({ generator: 'burgers' }))).toBe(false); // central differences
    expect(generatesOnGpu(decl({ generator: 'burgers', method: 'etdrk2' }))).toBe(true);
    expect(generatesOnGpu(decl({ generator: 'lorenz63' }))).toBe(false);
    // Nothing to step on the GPU, or not asked to look for one: float64.
    expect(await defaultDataDevice(decl({ generator: 'burgers' }))).toBe('cpu');
    expect(await defaultDataDevice(decl({ generator: 'ks', points: 64 }), false)).toBe('cpu');
  });
});

describe('data generated on the GPU', () => {
  test('advection: every snapshot is the exact shift of the first, to float32 accuracy', compiling(1), async () => {
    // 8 steps of cfl 0.25 on 32 points: snapshot t is snapshot 0 moved t / 4 cells.
    const decl = generatorDecl({ points: 32, params: { cfl: 0.25 } })({});
    const gpu = await generateOnGpu(decl);
    const cpu = generateData(decl);
    expect(gpu.device).toBe('gpu');
    expect(gpu.train.shape).toEqual([3, 9, 1, 32]);
    for (const split of ['train', 'test'] as const) {
      const t = gpu[split];
      const exact = { ...t, data: new Float64Array(t.data.length) };
      for (let i = 0; i < t.shape[0]!; i++)
        for (let s = 0; s < 9; s += 4)
          for (let j = 0; j < 32; j++) exact.data[(i * 9 + s) * 32 + j] = cpu[split].data[(i * 9) * 32 + ((j - s / 4 + 32) % 32)]!;
      for (let i = 0; i < t.shape[0]!; i++) for (const s of [4, 8]) expect(relative(t, exact, i, s)).toBeLessThan(1e-6);
      for (const e of worstPerStep(t, cpu[split])) expect(e).toBeLessThan(1e-6);
    }
  });

  test('2-D diffusion (an ETDRK0 graph) agrees with float64 to 1e-5 at every step', compiling(2), async () => {
    const diffusion = generatorDecl({ generator: 'diffusion', points: 16, dims: 2, params: { gamma: 0.2, modes: 3 } })({});
    const gpu = await generateOnGpu(diffusion);
    for (const e of worstPerStep(gpu.train, generateData(diffusion).train)) expect(e).toBeLessThan(1e-5);
  });

  test('Burgers (ETDRK2, nonlinear, not chaotic) stepped in a loop on the device agrees with float64 over 40 steps', compiling(1), async () => {
    const spec: SolverSpec = { name: 'burgers', dims: 1, points: 64, extent: 2 * Math.PI, dt: 0.05, params: { nu: 0.05, conservative: true } };
    const graph = stepGraph(spec);
    const params = SystemParams.of(GENERATOR_PARAMS, 'ks', {});
    const rng = new Rng(3);
    const batch = 4;
    const u0: Float64Array = new Float64Array(batch * 64);
    for (let i = 0; i < batch; i++) u0.set(initialState('ks', 64, 1, params, rng), i * 64);
    const loop = await GpuLoop.compile(await gpuDevice(), graph, batch, { input: 'u', output: graph.outputs[0]! });
    try {
      loop.write(batch, new Map([['u', { shape: [batch, 1, 64], data: u0 }]]));
      const gpu = await loop.advance(batch, 40, true);
      const step = etdrkStepper(spec);
      const cpu: Float64Array[] = Array.from({ length: batch }, (_, i) => u0.slice(i * 64, (i + 1) * 64));
      gpu.forEach((level) => {
        cpu.forEach((u, i) => {
          cpu[i] = step(u);
          const got = level.subarray(i * 64, (i + 1) * 64);
          const err = Math.hypot(...cpu[i]!.map((x, j) => got[j]! - x)) / Math.hypot(...cpu[i]!);
          expect(err).toBeLessThan(1e-5);
        });
      });
    } finally {
      loop.destroy();
    }
  });

  test("an `ic file`'s states start the trajectories as they are (no warm-up), training then held-out", compiling(1), async () => {
    const ks = generatorDecl({ generator: 'ks', points: 64, params: { warmup: 5 }, trajectories: 3, testTrajectories: 1, snapshots: 11 })({});
    // Band-limited states other than the generator's draws: sum over k = 1..3 of cos(2 pi k j / 64 + i) / k.
    const u0 = { shape: [4, 1, 64], data: Float64Array.from({ length: 256 }, (_, m) => [1, 2, 3].reduce((a, k) => a + Math.cos((2 * Math.PI * k * (m % 64)) / 64 + Math.floor(m / 64)) / k, 0)) };
    const gpu = await generateOnGpu(ks, u0);
    const cpu = generateData(ks, u0);
    expect(gpu.train.shape).toEqual([3, 11, 1, 64]);
    expect(gpu.test.shape).toEqual([1, 11, 1, 64]);
    for (let i = 0; i < 4; i++) {
      const t = i < 3 ? gpu.train : gpu.test;
      const first = t.data.subarray((i % 3) * 11 * 64, ((i % 3) * 11 + 1) * 64);
      first.forEach((x, j) => expect(x).toBe(Math.fround(u0.data[i * 64 + j]!)));
    }
    for (const split of ['train', 'test'] as const) for (const e of worstPerStep(gpu[split], cpu[split])) expect(e).toBeLessThan(1e-5);
  });

  test('KS (chaotic) agrees over its first 50 steps only', compiling(1), async () => {
    const ks = generatorDecl({ generator: 'ks', points: 64, params: {}, trajectories: 4, testTrajectories: 0, snapshots: 51 })({});
    const errors = worstPerStep((await generateOnGpu(ks)).train, generateData(ks).train);
    // Round-off of the float32 initial state, then growth by each step's round-off and the dynamics.
    expect(errors[0]).toBeLessThan(1e-7);
    errors.slice(1, 11).forEach((e) => expect(e).toBeLessThan(1e-5));
    errors.slice(11).forEach((e) => expect(e).toBeLessThan(1e-4));
  });
});
