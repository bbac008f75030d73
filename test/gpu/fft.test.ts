// rfft, irfft and their gradients compiled to WGSL (the Stockham kernel of
// wgsl/fft.ts, a pass per axis) and run on Dawn (lavapipe), against the
// float64 interpreter to 1e-5 relative: 1-D lines of 8 to 1024 points, a
// 2-D and a 3-D field. Each graph has the transforms themselves as outputs,
// and the gradient of mse(irfft(rfft(x) * w), t) + mse(irfft(s), t2) in x,
// w and s, which runs each transform's VJP (a weighted transform of the
// other).
import { describe, expect, test } from 'vitest';
import type { Graph, Shape } from '../../src/ir/graph.js';
import { GraphBuilder } from '../../src/ir/graph.js';
import type { Target } from '../../src/ir/target.js';
import { GPU } from '../../src/ir/target.js';
import type { Tensor } from '../../src/ops/op.js';
import { opDef } from '../../src/ops/registry.js';
import { verify } from '../../src/ops/verify.js';
import { differentiate } from '../../src/passes/autodiff.js';
import { gpuDevice } from '../../src/runtime/gpu/device.js';
import { GpuProgram } from '../../src/runtime/gpu/program.js';
import { evaluate } from '../../src/runtime/interpreter.js';
import { compiling } from '../budgets.js';
import { random, relError, rng } from '../ops/helpers.js';

const BATCH = 2;

function graph(space: readonly number[], channels: number): Graph {
  const dims = space.length;
  const n = space.at(-1)!;
  const b = new GraphBuilder(`fft on [${space}]`);
  const real: Shape = ['B', channels, ...space];
  const spectrum = opDef('rfft').shape([real], { dims });
  const x = b.add('x', 'input', [], real);
  const w = b.add('w', 'input', [], spectrum);
  const s = b.add('s', 'input', [], spectrum);
  const X = b.add('X', 'rfft', [x], spectrum, { dims });
  const Xw = b.add('Xw', 'mul', [X, w], spectrum);
  const u = b.add('u', 'irfft', [Xw], real, { dims, n });
  const r = b.add('r', 'irfft', [s], real, { dims, n });
  const l1 = b.add('l1', 'loss', [u, b.add('t', 'input', [], real)], [], { kind: 'mse' });
  const l2 = b.add('l2', 'loss', [r, b.add('t2', 'input', [], real)], [], { kind: 'mse' });
  const loss = b.add('loss', 'add', [l1, l2], []);
  const g = verify(differentiate(verify(b.build([loss])), loss, [x, w, s]));
  return { ...g, outputs: [...g.outputs, X, r] };
}

const device = await gpuDevice();

/** Each output's error relative to its largest float64 entry. */
async function errors(g: Graph, seed: number, target?: Target): Promise<Map<string, number>> {
  const next = rng(seed);
  const feeds = new Map<string, Tensor>(g.nodes.filter((n) => n.op === 'input').map((n) => [n.id, random(n.shape.map((d) => (d === 'B' ? BATCH : d)), next)]));
  const cpu = evaluate(g, feeds);
  const program = await GpuProgram.compile(device, g, BATCH, target);
  try {
    const gpu = await program.run(BATCH, feeds, g.outputs);
    return new Map(g.outputs.map((id) => [id, relError(cpu.get(id)!.data, gpu.get(id)!)]));
  } finally {
    program.destroy();
  }
}

const cases: [string, number[], number, Target?][] = [
  ...[8, 16, 32, 64, 128, 256, 512, 1024].map((n): [string, number[], number] => [`1-D, ${n} points`, [n], 2]),
  ['2-D, 32 x 16', [32, 16], 2],
  ['3-D, 8 x 4 x 16', [8, 4, 16], 1],
  // The same passes; the kernels around them shaped for a GPU.
  ['2-D, 16 x 8, GPU shapes', [16, 8], 2, GPU],
];

describe('rfft and irfft on the GPU equal the float64 interpreter', () => {
  test.each(cases)('%s: the transforms, the loss and its gradients', compiling(1), async (_, space, channels, target) => {
    const errs = await errors(graph(space, channels), space.length * 1000 + space[0]!, target);
    for (const [id, e] of errs) expect(e, id).toBeLessThan(1e-5);
  });
});
