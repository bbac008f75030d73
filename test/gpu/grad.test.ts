// The compiled WGSL kernels against the float64 interpreter, for every
// configuration of every spec: the same loss and gradients to 1e-4 relative,
// on Dawn (lavapipe, a software Vulkan driver, where the machine has no GPU).
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { cpuLossAndGrad } from '../../src/runtime/cpu.js';
import { gpuLossAndGrad } from '../../src/runtime/gpu/grad.js';
import { findSpecs } from '../../src/snapshot.js';
import { compileFile, firstBatch, paramsFor } from '../grad/helpers.js';
import { relError } from '../train/helpers.js';

describe('GPU loss and gradients equal the float64 interpreter', () => {
  const cases = findSpecs('specs').flatMap((file) =>
    compileFile(file, readFileSync(file, 'utf8')).map((c) => ({ name: `${file} ${c.program.config.name}`, c })),
  );
  // Generous: lavapipe shares the CPU with the other test files running in parallel.
  test.each(cases)('$name', { timeout: 60_000 }, async ({ c }) => {
    const windows = firstBatch(c, 8);
    const params = paramsFor(c, 0);
    const cpu = cpuLossAndGrad(c.final, params, windows);
    const gpu = await gpuLossAndGrad(c.final, params, windows);
    expect(Math.abs(gpu.loss - cpu.loss) / Math.abs(cpu.loss)).toBeLessThan(1e-4);
    expect([...gpu.grads.keys()]).toEqual([...cpu.grads.keys()]);
    for (const [name, g] of cpu.grads) expect(relError(g.data, gpu.grads.get(name)!.data), name).toBeLessThan(1e-4);
  });
});
