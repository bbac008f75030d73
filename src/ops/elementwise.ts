// The shape rule and evaluation loop every elementwise op shares, so an op's
// own file is just its formula and its derivative. Binary ops take operands
// of the same shape: a scalar or per-sample value meets a tensor through an
// explicit `broadcast` (as in XLA), which keeps these VJPs free of reductions
// and leaves the fuser to fold the broadcast into the consuming kernel.
import type { AttrsArg, GraphBuilder } from '../ir/graph.js';
import { sameShape, shapeText } from '../ir/graph.js';
import type { OpAttrs, OpName } from '../ir/op-attrs.js';
import type { OpDef } from './op.js';
import { expectArity, ShapeError } from './op.js';
import { tensor } from './tensor.js';

type Vjp<K extends OpName> = NonNullable<OpDef<K>['vjp']>;

/** `check` checks what the attributes' types cannot say of the values `f` reads, for the shape rule. */
export function unary<K extends OpName>(
  name: K,
  f: (x: number, attrs: OpAttrs[K]) => number,
  wgsl: (x: string, attrs: OpAttrs[K]) => string,
  vjp: Vjp<K>,
  check: (attrs: OpAttrs[K]) => void = () => {},
): OpDef<K> {
  return {
    name,
    shape(inputs, attrs) {
      expectArity(inputs, 1, name);
      check(attrs);
      return inputs[0]!;
    },
    eval([x], attrs) {
      return tensor(x!.shape, x!.data.map((v) => f(v, attrs)));
    },
    wgsl: { kind: 'expr', expr: (c, i) => wgsl(c.x(0, i), c.attrs) },
    vjp,
  };
}

export function binary<K extends OpName>(name: K, f: (x: number, y: number) => number, wgsl: (x: string, y: string) => string, vjp: Vjp<K>): OpDef<K> {
  return {
    name,
    shape(inputs) {
      expectArity(inputs, 2, name);
      if (!sameShape(inputs[0]!, inputs[1]!))
        throw new ShapeError(`${name} operands differ: ${shapeText(inputs[0]!)} vs ${shapeText(inputs[1]!)} (broadcast explicitly)`);
      return inputs[0]!;
    },
    eval([x, y]) {
      const b = y!.data;
      return tensor(x!.shape, x!.data.map((v, i) => f(v, b[i]!)));
    },
    wgsl: { kind: 'expr', expr: (c, i) => wgsl(c.x(0, i), c.x(1, i)) },
    vjp,
  };
}

/** Emits an elementwise op in a VJP rule: its shape is its first input's. */
export function ew<K extends OpName>(b: GraphBuilder, id: string, op: K, inputs: readonly string[], ...attrs: AttrsArg<K>): string {
  return b.add(id, op, inputs, b.shapeOf(inputs[0]!), ...attrs);
}
