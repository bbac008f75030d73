// The float64 oracle: loss and gradients of a differentiated graph on the CPU
// interpreter. Every GPU program answers to this.
import type { Graph } from '../ir/graph.js';
import { nodeMap } from '../ir/graph.js';
import { gradientOf } from '../ir/role.js';
import type { Tensor } from '../ops/op.js';
import { evaluate } from './interpreter.js';
import { windowFeeds } from './minibatch.js';
import type { Params } from './params.js';

export interface LossAndGrad {
  loss: number;
  grads: Params;
}

/**
 * `g` is the graph after autodiff: outputs [loss, grad.<param>...], with the
 * parameters' inputs named as the parameters.
 */
export function cpuLossAndGrad(g: Graph, params: Params, windows: Tensor): LossAndGrad {
  const feeds = windowFeeds(g, windows);
  for (const [name, t] of params) feeds.set(name, t);
  const values = evaluate(g, feeds);
  const byId = nodeMap(g);
  const [loss, ...grads] = g.outputs;
  return {
    loss: values.get(loss!)!.data[0]!,
    grads: new Map(grads.map((id) => [gradientOf(byId.get(id)!.role, id), values.get(id)!])),
  };
}
