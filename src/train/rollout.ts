// A trained emulator applied autoregressively, one step at a time, on a batch
// of states: the float64 interpreter (the reference), or the emulator step
// compiled to WGSL and run on the GPU in float32, the state kept on the
// device from one step to the next (runtime/gpu/loop.ts) and each prediction
// read back: the host needs every one (metrics are float64 on the host), and
// nothing but the current state is ever kept.
import type * as A from '../dsl/ast.js';
import type { Tensor } from '../ops/op.js';
import { gpuDevice } from '../runtime/gpu/device.js';
import { GpuLoop } from '../runtime/gpu/loop.js';
import { evaluate } from '../runtime/interpreter.js';
import type { Params } from '../runtime/params.js';
import { emulatorStepGraph } from './evaluate.js';
import type { Device } from './executors.js';

export interface Stepper {
  /** Sets the batch's states `[batch, ...state]`, flat, that the next step starts from. */
  start(u: Float64Array): void;
  /** The batch's next states. */
  next(): Promise<Float64Array>;
  close(): void;
}

/** `snapshot`: one state's shape [channels, ...space]; `batch`: the states stepped together. */
export async function openStepper(spec: A.Spec, snapshot: readonly number[], params: Params, device: Device, batch: number): Promise<Stepper> {
  const g = emulatorStepGraph(spec, snapshot);
  const out = g.outputs[0]!;
  const shape = [batch, ...snapshot];
  const feeds = (u: Float64Array) => new Map<string, Tensor>([...params, ['ic', { shape, data: u }]]);
  if (device === 'cpu') {
    let u: Float64Array = new Float64Array(0);
    return {
      start: (u0) => void (u = u0),
      next: async () => (u = evaluate(g, feeds(u)).get(out)!.data),
      close: () => {},
    };
  }
  const loop = await GpuLoop.compile(await gpuDevice(), g, batch, { input: 'ic', output: out });
  return {
    start: (u0) => loop.write(batch, feeds(u0)),
    next: async () => Float64Array.from((await loop.advance(batch, 1, true))[0]!),
    close: () => loop.destroy(),
  };
}

/** The states after steps 1..`steps` from `u0`, one at a time: each is dropped once the caller moves on. */
export async function* rollout(stepper: Stepper, u0: Float64Array, steps: number): AsyncGenerator<Float64Array> {
  stepper.start(u0);
  for (let t = 1; t <= steps; t++) yield await stepper.next();
}
