// The compiled WGSL kernels against the float64 interpreter, for every
// configuration of every spec: the same loss and gradients to 1e-4 relative,
// on Dawn (lavapipe, a software Vulkan driver, where the machine has no GPU).
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { cpuLossAndGrad } from '../../src/runtime/cpu.js';
import { gpuLossAndGrad } from '../../src/runtime/gpu/grad.js';
import { findSpecs } from '../../src/snapshot.js';
import { plan } from '../../src/codegen/plan.js';
import { compileAll, compileFile, firstBatch, paramsFor } from '../grad/helpers.js';
import { relError } from '../train/helpers.js';

describe('GPU loss and gradients equal the float64 interpreter', () => {
  const cases = findSpecs('specs').flatMap((file) =>
    compileFile(file, readFileSync(file, 'utf8')).map((c) => ({ name: `${file} ${c.program.config.name}`, c })),
  );
  // Generous: lavapipe shares the CPU with the other test files running in parallel.
  test.each(cases)('$name', { timeout: 240_000 }, async ({ c }) => {
    const windows = firstBatch(c, 8);
    const params = paramsFor(c, 0);
    const cpu = cpuLossAndGrad(c.final, params, windows);
    const gpu = await gpuLossAndGrad(c.final, params, windows);
    expect(Math.abs(gpu.loss - cpu.loss) / Math.abs(cpu.loss)).toBeLessThan(1e-4);
    expect([...gpu.grads.keys()]).toEqual([...cpu.grads.keys()]);
    for (const [name, g] of cpu.grads) expect(relError(g.data, gpu.grads.get(name)!.data), name).toBeLessThan(1e-4);
  });
});

describe('register-blocked convolutions equal the float64 interpreter', () => {
  // 8 channels and 32 points divide into 4 x 4 blocks, so the middle
  // convolution runs tiled; both paddings, forward and backward.
  const spec = (padding: string) => `data advection1d { points 32  trajectories 4  snapshots 8  cfl 0.5 }
emulator conv1d { channels 1 -> 8 -> 8 -> 1  kernel 5  padding ${padding}  activation tanh  seed 3 }
config supervised rollout 2
train { batch 4 }
`;
  test.each(['circular', 'zero'])('%s padding', { timeout: 240_000 }, async (padding) => {
    const [c] = compileAll(spec(padding));
    expect(plan(c!.final, 4).fusion.kernels.some((k) => k.perThread > 1)).toBe(true);
    const windows = firstBatch(c!, 4);
    const params = paramsFor(c!, 0);
    const cpu = cpuLossAndGrad(c!.final, params, windows);
    const gpu = await gpuLossAndGrad(c!.final, params, windows);
    expect(Math.abs(gpu.loss - cpu.loss) / Math.abs(cpu.loss)).toBeLessThan(1e-4);
    for (const [name, g] of cpu.grads) expect(relError(g.data, gpu.grads.get(name)!.data), name).toBeLessThan(1e-4);
  });
});

describe('register-blocked dense layers equal the float64 interpreter', () => {
  // Width 16 gives 8 x 8 blocks in every dense, dense_t and dense_w kernel;
  // blocks span the batch, so batches that are not multiples of 8 check the
  // clamped reads and guarded writes of the last block.
  const spec = `data lorenz63 { trajectories 4  snapshots 30  dt 0.01 }
emulator mlp { width 16  depth 2  activation tanh  bias true  seed 5 }
reference lorenz63 { dt 0.01 }
config supervised rollout 3
train { batch 13 }
`;
  test.each([13, 8, 3])('batch %i', { timeout: 240_000 }, async (batch) => {
    const [c] = compileAll(spec);
    const tiled = plan(c!.final, batch).fusion.kernels.filter((k) => k.perThread > 1).map((k) => (k.prologue ?? k.root).op);
    expect(new Set(tiled)).toEqual(new Set(['dense', 'dense_t', 'dense_w']));
    const windows = firstBatch(c!, batch);
    const params = paramsFor(c!, 0);
    const cpu = cpuLossAndGrad(c!.final, params, windows);
    const gpu = await gpuLossAndGrad(c!.final, params, windows);
    expect(Math.abs(gpu.loss - cpu.loss) / Math.abs(cpu.loss)).toBeLessThan(1e-4);
    for (const [name, g] of cpu.grads) expect(relError(g.data, gpu.grads.get(name)!.data), name).toBeLessThan(1e-4);
  });
});
