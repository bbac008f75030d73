// The verifier runs on every graph the compiler builds: each value defined once
// and before its use, every op known (the types say so, but a graph may come
// from outside them), every shape what the op's rule says.
import { opDef, ops } from './registry.js';
import { ShapeError } from './op.js';
import type { Graph } from '../ir/graph.js';
import { sameShape, shapeText } from '../ir/graph.js';

export class VerifyError extends Error {}

export function verify(g: Graph): Graph {
  const defined = new Map<string, (typeof g.nodes)[number]>();
  for (const n of g.nodes) {
    const where = `%${n.id} = ${n.op}`;
    if (defined.has(n.id)) throw new VerifyError(`${where}: %${n.id} is defined twice`);
    if (!Object.hasOwn(ops, n.op)) throw new VerifyError(`${where}: unknown op`);
    for (const i of n.inputs)
      if (!defined.has(i)) throw new VerifyError(`${where}: uses %${i} before its definition`);
    const def = opDef(n.op);
    if (!def.leaf) {
      let expected;
      try {
        expected = def.shape(n.inputs.map((i) => defined.get(i)!.shape), n.attrs);
      } catch (e) {
        if (e instanceof ShapeError) throw new VerifyError(`${where}: ${e.message}`);
        throw e;
      }
      if (!sameShape(expected, n.shape))
        throw new VerifyError(`${where}: shape ${shapeText(n.shape)}, but its inputs give ${shapeText(expected)}`);
    }
    defined.set(n.id, n);
  }
  for (const o of g.outputs) if (!defined.has(o)) throw new VerifyError(`output %${o} is not defined`);
  return g;
}
