// Every op the compiler knows, by name. Adding an op: one file, one line here.
import { call } from './call.js';
import { input } from './input.js';
import { loss } from './loss.js';
import type { OpDef } from './op.js';
import { stop_gradient } from './stop_gradient.js';
import { weighted_sum } from './weighted_sum.js';

const all: OpDef[] = [input, call, stop_gradient, loss, weighted_sum];

export const ops: ReadonlyMap<string, OpDef> = new Map(all.map((o) => [o.name, o]));

export function opDef(name: string): OpDef {
  const d = ops.get(name);
  if (!d) throw new Error(`internal: unknown op '${name}'`);
  return d;
}
