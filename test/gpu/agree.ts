// The check the GPU tests of graphs share: every input fed seeded random
// numbers, every output on Dawn within 1e-4 (relative) of the float64
// interpreter's.
import { expect } from 'vitest';
import type { Graph } from '../../src/ir/graph.js';
import type { Target } from '../../src/ir/target.js';
import type { Tensor } from '../../src/ops/op.js';
import { GpuProgram } from '../../src/runtime/gpu/program.js';
import { evaluate } from '../../src/runtime/interpreter.js';
import { random, relError, rng } from '../ops/helpers.js';

export async function expectGpuAgrees(device: GPUDevice, g: Graph, batch: number, target: Target, seed: number): Promise<void> {
  const next = rng(seed);
  const feeds = new Map<string, Tensor>(g.nodes.filter((n) => n.op === 'input').map((n) => [n.id, random(n.shape.map((d) => (d === 'B' ? batch : d)), next)]));
  const cpu = evaluate(g, feeds);
  const program = await GpuProgram.compile(device, g, batch, target);
  try {
    const gpu = await program.run(batch, feeds, g.outputs);
    for (const id of g.outputs) expect(relError(cpu.get(id)!.data, gpu.get(id)!), id).toBeLessThan(1e-4);
  } finally {
    program.destroy();
  }
}
