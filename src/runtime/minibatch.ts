// The windows a training step sees: sub-stacked samples of the training
// trajectories, drawn by the epoch-permutation schedule of the semantics doc,
// and how a batch of windows feeds a chain graph's inputs.
import type { Dataset } from '../data/dataset.js';
import type { Trajectories } from '../data/trajectories.js';
import { gatherWindows, minibatches, windowCount } from '../data/windows.js';
import type * as A from '../dsl/ast.js';
import { UserError } from '../util/diagnostics.js';
import type { Graph } from '../ir/graph.js';
import { windowSnapshot } from '../ir/op-attrs.js';
import type { Tensor } from '../ops/op.js';

/** The minibatch schedule of a spec's training run for one window length. */
export function* trainingBatches(spec: A.Spec, data: Dataset, window: number): Generator<Trajectories> {
  const t = spec.train;
  if (data.train.shape[1]! < window)
    throw new UserError(`the data's trajectories have ${data.train.shape[1]} snapshots, but the configuration needs windows of ${window}`, 'use longer trajectories or a shorter rollout');
  const samples = windowCount(data.train.shape, window, t.substack);
  for (const idx of minibatches(samples, t.batch, t.steps, t.seed)) yield gatherWindows(data.train, idx, window, t.substack);
}

/** `ic` is snapshot 0 of each window, `target[t]` snapshot t. */
export function windowFeeds(g: Graph, windows: Tensor): Map<string, Tensor> {
  const [b, w] = windows.shape as [number, number];
  const state = windows.shape.slice(2);
  const size = state.reduce((a, x) => a * x, 1);
  const feeds = new Map<string, Tensor>();
  for (const n of g.nodes) {
    const t = n.op === 'input' ? windowSnapshot(n.attrs) : undefined;
    if (t === undefined) continue;
    if (t >= w) throw new UserError(`the minibatch has windows of ${w} snapshots, but the configuration reads snapshot ${t}`, `give windows of at least ${t + 1} snapshots`);
    const data = new Float64Array(b * size);
    for (let i = 0; i < b; i++) data.set(windows.data.subarray((i * w + t) * size, (i * w + t + 1) * size), i * size);
    feeds.set(n.id, { shape: [b, ...state], data });
  }
  return feeds;
}
