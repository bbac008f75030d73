// `tx grad --device gpu`: the same loss and gradients as the float64
// interpreter, computed by the compiled WGSL kernels.
import type { Target } from '../../ir/target.js';
import type { Graph } from '../../ir/graph.js';
import { nodeMap } from '../../ir/graph.js';
import { gradientOf } from '../../ir/role.js';
import type { Tensor } from '../../ops/op.js';
import type { LossAndGrad } from '../cpu.js';
import { windowFeeds } from '../minibatch.js';
import type { Params } from '../params.js';
import { gpuDevice } from './device.js';
import { GpuProgram } from './program.js';

/** `target` overrides the device's (GENERIC runs anywhere): tests compare both. */
export async function gpuLossAndGrad(g: Graph, params: Params, windows: Tensor, target?: Target): Promise<LossAndGrad> {
  const batch = windows.shape[0]!;
  const program = await GpuProgram.compile(await gpuDevice(), g, batch, target);
  try {
    const feeds = windowFeeds(g, windows);
    for (const [name, t] of params) feeds.set(name, t);
    const values = await program.run(batch, feeds, g.outputs);
    const [loss, ...grads] = g.outputs;
    const byId = nodeMap(g);
    return {
      loss: values.get(loss!)![0]!,
      grads: new Map(grads.map((id) => [gradientOf(byId.get(id)!.role, id), { shape: byId.get(id)!.shape as number[], data: Float64Array.from(values.get(id)!) }])),
    };
  } finally {
    program.destroy();
  }
}
