// A generator's trajectories stepped on the GPU in float32: the solver's step
// graph (data/etdrk/), batched over trajectories, compiled once and run
// step after step with the states kept on the device (runtime/gpu/loop.ts),
// the warm-up included; only the snapshots come back. The initial states
// are generateData's draws, so the two differ only by float32 round-off
// and its growth (docs/spectral.md says how fast that is for each kind of
// system).
import type { Dataset } from '../data/dataset.js';
import { stepGraph } from '../data/etdrk/catalogue.js';
import { generation, generatorSolver, type Start } from '../data/generate.js';
import type { Trajectories } from '../data/trajectories.js';
import { sizeOf } from '../data/trajectories.js';
import type { GeneratorData } from '../dsl/ast.js';
import { gpuDevice } from '../runtime/gpu/device.js';
import { GpuLoop } from '../runtime/gpu/loop.js';
import { UserError } from '../util/diagnostics.js';
import { isFftSize } from '../wgsl/fft.js';

/** Trajectories stepped together: one step program's batch, and every split runs in batches of it. */
const MAX_BATCH = 128;
/** At most this many bytes of snapshots come back per command buffer (one map each). */
const READ_BYTES = 64 << 20;
/** Steps per command buffer where none are read (the warm-up): the queue is never handed thousands at once. */
const STEPS_PER_SUBMIT = 256;

/** Whether the GPU can step the generator: its stepper is a step graph, on a grid the GPU's FFT takes. */
export function generatesOnGpu(decl: GeneratorData): boolean {
  return generatorSolver(decl) !== undefined && isFftSize(decl.points);
}

/** generateData's trajectories, from the same initial states, stepped on the GPU in float32. */
export async function generateOnGpu(decl: GeneratorData, initial?: Trajectories): Promise<Dataset> {
  const g = generation(decl, initial);
  if (!g.solver)
    throw new UserError(
      `${decl.generator}: its data stepper (${decl.method}) runs on the CPU only; the GPU runs the spectral (ETDRK and exact) steps`,
      'generate it with --device cpu',
    );
  const graph = stepGraph(g.solver);
  const batch = Math.max(1, Math.min(MAX_BATCH, Math.max(g.train.count, g.test.count)));
  const loop = await GpuLoop.compile(await gpuDevice(), graph, batch, { input: 'u', output: graph.outputs[0]! });
  try {
    const train = await rollOut(loop, g.train, g.stateShape);
    const test = await rollOut(loop, g.test, g.stateShape);
    return { train, test, device: 'gpu' };
  } finally {
    loop.destroy();
  }
}

async function rollOut(loop: GpuLoop, from: Start, shape: readonly number[]): Promise<Trajectories> {
  const { snapshots } = from;
  const size = sizeOf(shape);
  const data = new Float64Array(from.count * snapshots * size);
  for (let first = 0; first < from.count; first += loop.maxBatch) {
    const n = Math.min(loop.maxBatch, from.count - first);
    const put = (level: Float32Array, t: number) => {
      for (let i = 0; i < n; i++) data.set(level.subarray(i * size, (i + 1) * size), ((first + i) * snapshots + t) * size);
    };
    loop.write(n, new Map([['u', { shape: [n, ...shape], data: from.states.subarray(first * size, (first + n) * size) }]]));
    for (let done = 0; done < from.warmup; done += STEPS_PER_SUBMIT) await loop.advance(n, Math.min(STEPS_PER_SUBMIT, from.warmup - done), false);
    put(await loop.current(n), 0);
    const perRead = Math.max(1, Math.floor(READ_BYTES / (n * size * 4)));
    for (let t = 1; t < snapshots; t += perRead) {
      const levels = await loop.advance(n, Math.min(perRead, snapshots - t), true);
      levels.forEach((level, k) => put(level, t + k));
    }
  }
  return { shape: [from.count, snapshots, ...shape], data };
}
