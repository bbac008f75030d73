// `sum` and `mean` over a set of axes (all by default), and their transpose,
// `broadcast`, share one index map so each stays the other's exact adjoint.
import type { Shape } from '../ir/graph.js';
import { axesWithin, shapeToAttr } from './attrs.js';
import type { OpDef, Tensor } from './op.js';
import { expectArity, type ReuseCtx } from './op.js';
import { coord, countExpr, flatIndex } from '../wgsl/text.js';
import { dropAxesIndex, size, tensor } from './tensor.js';

export function reducedShape(shape: Shape, axes: readonly number[]): Shape {
  return shape.filter((_, d) => !axes.includes(d));
}

/** Adds each entry of `x` into its image with `axes` dropped, divided by `divisor`. */
function reduceInto(x: Tensor, axes: readonly number[], divisor: number): Tensor {
  const out = tensor(reducedShape(x.shape, axes) as number[]);
  const idx = dropAxesIndex(x.shape, axes);
  for (let i = 0; i < idx.length; i++) out.data[idx[i]!]! += x.data[i]! / divisor;
  return out;
}

export function reduction<K extends 'sum' | 'mean'>(name: K): OpDef<K> {
  return {
    name,
    shape(inputs, attrs) {
      expectArity(inputs, 1, name);
      return reducedShape(inputs[0]!, axesWithin(attrs.axes, inputs[0]!.length, name));
    },
    eval([x], attrs) {
      const axes = axesWithin(attrs.axes, x!.shape.length, name);
      return reduceInto(x!, axes, name === 'mean' ? size(axes.map((a) => x!.shape[a]!)) : 1);
    },
    vjp(b, n, cot) {
      const x = b.shapeOf(n.inputs[0]!);
      const attrs = { shape: shapeToAttr(x), axes: axesWithin(n.attrs.axes, x.length, name) };
      return [b.add(`d.${n.id}.bcast`, 'broadcast', [cot], x, name === 'mean' ? { ...attrs, mean: true } : attrs)];
    },
    flops: (c) => reducedAxes(c).map((a) => c.ins[0]![a]!),
    wgsl: {
      kind: 'reduce',
      domain: (c) => reducedAxes(c).map((a) => c.ins[0]![a]!),
      term: (c, i, j) => {
        const x = c.ins[0]!;
        const axes = reducedAxes(c);
        const inner = axes.map((a) => x[a]!);
        const kept = x.map((_, a) => a).filter((a) => !axes.includes(a));
        const coords = x.map((_, a) => (axes.includes(a) ? coord(inner, axes.indexOf(a), j) : coord(c.out, kept.indexOf(a), i)));
        return { stmts: [], value: c.x(0, flatIndex(x, coords)) };
      },
      finish: (c, _i, acc) => (name === 'mean' ? `(${acc} / f32(${countExpr(reducedAxes(c).map((a) => c.ins[0]![a]!))}))` : acc),
    },
  };
}

function reducedAxes(c: ReuseCtx<'sum' | 'mean'>): readonly number[] {
  return axesWithin(c.attrs.axes, c.ins[0]!.length, 'reduce');
}
