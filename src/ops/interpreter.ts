// The float64 CPU interpreter: the oracle every GPU program answers to, and
// what the spectral data generators run their step graphs with (so it lives
// with the ops, below data/). It runs each node's `eval` in graph order;
// leaves without one (inputs, parameters) take their values from `feeds`,
// keyed by node id, and the fed shapes bind the batch size B.
import type { Graph } from '../ir/graph.js';
import { sameShape, shapeText } from '../ir/graph.js';
import type { Tensor } from './op.js';
import { opDef } from './registry.js';

export type Feeds = ReadonlyMap<string, Tensor> | Readonly<Record<string, Tensor>>;

/** Every value of `g`, by node id. Feeds for ids the graph lacks are ignored. */
export function evaluate(g: Graph, feeds: Feeds): Map<string, Tensor> {
  const fed: ReadonlyMap<string, Tensor> = feeds instanceof Map ? feeds : new Map(Object.entries(feeds));
  const batch = checkFeeds(g, fed);
  const values = new Map<string, Tensor>();
  for (const n of g.nodes) {
    const shape = n.shape.map((d) => {
      if (d !== 'B') return d;
      if (batch === undefined) throw new Error(`%${n.id} has a batch axis, but no fed value binds B`);
      return batch;
    });
    const def = opDef(n.op);
    const value = def.eval ? def.eval(n.inputs.map((i) => values.get(i)!), n.attrs, shape) : fed.get(n.id)!;
    if (!sameShape(value.shape, shape))
      throw new Error(`internal: %${n.id} = ${n.op} evaluated to [${value.shape.join(',')}], expected [${shape.join(',')}]`);
    values.set(n.id, value);
  }
  return values;
}

/**
 * Checks that exactly the leaves without an `eval` are fed, with values of
 * their shapes, and returns the batch size the feeds agree on (undefined if
 * no fed node has a batch axis).
 */
function checkFeeds(g: Graph, fed: ReadonlyMap<string, Tensor>): number | undefined {
  let batch: { size: number; from: string } | undefined;
  for (const n of g.nodes) {
    const def = opDef(n.op);
    const t = fed.get(n.id);
    if (def.eval !== undefined) {
      if (t !== undefined) throw new Error(`%${n.id} is computed by ${n.op}; it cannot be fed`);
      continue;
    }
    if (!def.leaf) throw new Error(`%${n.id} = ${n.op} has no CPU evaluation: it must be inlined first`);
    if (t === undefined) throw new Error(`no value fed for %${n.id} (${n.op} ${shapeText(n.shape)})`);
    const mismatch = () => new Error(`%${n.id} is ${shapeText(n.shape)}, but its fed value is [${t.shape.join(',')}]`);
    if (t.shape.length !== n.shape.length) throw mismatch();
    if (t.data.length !== t.shape.reduce((a, d) => a * d, 1))
      throw new Error(`fed value for %${n.id} has ${t.data.length} entries for shape [${t.shape.join(',')}]`);
    n.shape.forEach((d, i) => {
      const size = t.shape[i]!;
      if (d !== 'B') {
        if (d !== size) throw mismatch();
      } else if (batch === undefined) batch = { size, from: n.id };
      else if (batch.size !== size)
        throw new Error(`batch size disagrees: %${batch.from} has B = ${batch.size}, %${n.id} has B = ${size}`);
    });
  }
  return batch?.size;
}
