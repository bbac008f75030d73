// A small builder of primitive ops for the inliner: names every value under
// the call it belongs to (`u1.conv0`, `u1.act0`), and knows that elementwise
// ops keep their operand's shape, so the expansions read like the formulas.
import type { AttrsArg, GraphBuilder, Shape } from '../../ir/graph.js';
import type { OpName, Padding } from '../../ir/op-attrs.js';

export class Emit {
  constructor(
    readonly b: GraphBuilder,
    readonly prefix: string,
  ) {}

  op<K extends OpName>(name: string, op: K, inputs: string[], shape: Shape, ...attrs: AttrsArg<K>): string {
    return this.b.add(`${this.prefix}${name}`, op, inputs, shape, ...attrs);
  }
  shape(x: string): Shape {
    return this.b.shapeOf(x);
  }
  unary<K extends OpName>(name: string, op: K, x: string, ...attrs: AttrsArg<K>): string {
    return this.op(name, op, [x], this.shape(x), ...attrs);
  }
  binary(name: string, op: 'add' | 'sub' | 'mul' | 'div', x: string, y: string): string {
    return this.op(name, op, [x, y], this.shape(x));
  }
  scale(name: string, x: string, c: number): string {
    return c === 1 ? x : this.unary(name, 'scale', x, { c });
  }
  /** x rolled by k cells along `axis` (the last when undefined), periodically or with zeros. */
  shift(name: string, x: string, k: number, axis?: number, padding: Padding = 'circular'): string {
    return this.unary(name, 'shift', x, { k, ...(axis !== undefined && { axis }), ...(padding === 'zero' && { padding }) });
  }
  /** A constant of x's shape: the batch size binds when the graph runs. */
  fill(name: string, like: string, value: number): string {
    return this.op(name, 'const', [], this.shape(like), { value });
  }
  /** x + a * y, the update step of every explicit scheme. */
  axpy(name: string, x: string, a: number, y: string): string {
    return this.binary(name, 'add', x, this.scale(`${name}.s`, y, a));
  }
}
