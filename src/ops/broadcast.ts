// Copies a value along new axes: attr `shape` is the output shape (-1 for B),
// `axes` the output axes the input lacks (all by default, for a scalar input).
// With `mean: true` each copy is divided by the number of copies: the
// transpose of `mean`, as plain broadcast is the transpose of `sum`.
import { sameShape, shapeText } from '../ir/graph.js';
import { axesWithin, shapeFromAttr } from './attrs.js';
import type { OpDef } from './op.js';
import { expectArity, ShapeError } from './op.js';
import { coord, countExpr, flatIndex } from '../wgsl/text.js';
import { reducedShape } from './reduce.js';
import { dropAxesIndex, size, tensor } from './tensor.js';

export const broadcast: OpDef<'broadcast'> = {
  name: 'broadcast',
  shape(inputs, attrs) {
    expectArity(inputs, 1, 'broadcast');
    const out = shapeFromAttr(attrs.shape, 'broadcast');
    const kept = reducedShape(out, axesWithin(attrs.axes, out.length, 'broadcast'));
    if (!sameShape(kept, inputs[0]!))
      throw new ShapeError(`broadcast to ${shapeText(out)} needs an input ${shapeText(kept)}, got ${shapeText(inputs[0]!)}`);
    return out;
  },
  eval([x], attrs, shape) {
    const axes = axesWithin(attrs.axes, shape.length, 'broadcast');
    const copies = attrs.mean ? size(axes.map((a) => shape[a]!)) : 1;
    const idx = dropAxesIndex(shape, axes);
    return tensor(shape, Array.from(idx, (j) => x!.data[j]! / copies));
  },
  vjp(b, n, cot) {
    const axes = axesWithin(n.attrs.axes, n.shape.length, 'broadcast');
    const op = n.attrs.mean ? 'mean' : 'sum';
    return [b.add(`d.${n.id}.${op}`, op, [cot], b.shapeOf(n.inputs[0]!), { axes })];
  },
  // Moves or makes values: no arithmetic.
  flops: () => [0],
  wgsl: {
    kind: 'expr',
    expr: (c, i) => {
      const axes = axesWithin(c.attrs.axes, c.out.length, 'broadcast');
      const kept = c.out.map((_, a) => a).filter((a) => !axes.includes(a));
      const v = c.x(0, flatIndex(c.ins[0]!, kept.map((a) => coord(c.out, a, i))));
      return c.attrs.mean ? `(${v} / f32(${countExpr(axes.map((a) => c.out[a]!))}))` : v;
    },
  },
};
