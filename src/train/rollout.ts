// A trained emulator applied autoregressively, one step at a time, on a batch
// of states: the float64 interpreter (the reference), or the emulator step
// compiled to WGSL and run on the GPU in float32, its output read back after
// each step. Reading back every step costs a round trip, but the host needs
// each prediction anyway (metrics are float64 on the host), and nothing but
// the current state is ever kept.
import type * as A from '../dsl/ast.js';
import type { Tensor } from '../ops/op.js';
import { gpuDevice } from '../runtime/gpu/device.js';
import { GpuProgram } from '../runtime/gpu/program.js';
import { evaluate } from '../runtime/interpreter.js';
import type { Params } from '../runtime/params.js';
import { emulatorStepGraph } from './evaluate.js';
import type { Device } from './executors.js';

export interface Stepper {
  /** The next states of a batch `[batch, ...state]`, flat. */
  step(u: Float64Array): Promise<Float64Array>;
  close(): void;
}

/** `snapshot`: one state's shape [channels, ...space]; `batch`: the states stepped together. */
export async function openStepper(spec: A.Spec, snapshot: readonly number[], params: Params, device: Device, batch: number): Promise<Stepper> {
  const g = emulatorStepGraph(spec, snapshot);
  const out = g.outputs[0]!;
  const shape = [batch, ...snapshot];
  const feeds = (u: Float64Array) => new Map<string, Tensor>([...params, ['ic', { shape, data: u }]]);
  if (device === 'cpu') return { step: async (u) => evaluate(g, feeds(u)).get(out)!.data, close: () => {} };
  const program = await GpuProgram.compile(await gpuDevice(), g, batch);
  return {
    step: async (u) => Float64Array.from((await program.run(batch, feeds(u), [out])).get(out)!),
    close: () => program.destroy(),
  };
}

/** The states after steps 1..`steps` from `u0`, one at a time: each is dropped once the caller moves on. */
export async function* rollout(stepper: Stepper, u0: Float64Array, steps: number): AsyncGenerator<Float64Array> {
  let u = u0;
  for (let t = 1; t <= steps; t++) {
    u = await stepper.step(u);
    yield u;
  }
}
