// What the shape rules check of attributes beyond their types (ir/op-attrs.ts
// makes `k` a number; only a rule can say it must be whole, or that axes
// must ascend within the rank); a bad value is a ShapeError the verifier
// reports against its node.
import type { Dim, Shape } from '../ir/graph.js';
import { shapeText } from '../ir/graph.js';
import { expectArity, ShapeError } from './op.js';

export function whole(v: number, key: string, op: string): number {
  if (!Number.isInteger(v)) throw new ShapeError(`${op} needs an integer attribute '${key}', got ${v}`);
  return v;
}

export function finite(v: number, key: string, op: string): number {
  if (!Number.isFinite(v)) throw new ShapeError(`${op} needs a finite attribute '${key}', got ${v}`);
  return v;
}

/** The axes a reduction or broadcast names, ascending and within `rank`; all axes when absent. */
export function axesWithin(axes: readonly number[] | undefined, rank: number, op: string): readonly number[] {
  if (axes === undefined) return [...Array(rank).keys()];
  if (!axes.every((a, i) => Number.isInteger(a) && a >= 0 && a < rank && (i === 0 || a > axes[i - 1]!)))
    throw new ShapeError(`${op} axes [${axes.join(',')}] must ascend within rank ${rank}`);
  return axes;
}

/** Attribute values are plain numbers, so a shape attribute writes 'B' as -1. */
export function shapeToAttr(shape: Shape): number[] {
  return shape.map((d) => (d === 'B' ? -1 : d));
}

export function shapeFromAttr(attr: readonly number[], op: string): Shape {
  return attr.map((d): Dim => {
    if (d === -1) return 'B';
    if (!Number.isInteger(d) || d < 0) throw new ShapeError(`${op} shape entry ${d} is not a size (or -1 for B)`);
    return d;
  });
}

/** The dimensions an op works along must be known sizes, not the batch. */
export function sizeDim(shape: Shape, axis: number, op: string): number {
  const d = shape[axis];
  if (typeof d !== 'number') throw new ShapeError(`${op} needs a fixed size on axis ${axis}, got ${String(d)}`);
  return d;
}

/**
 * The two matrix operands of a dense op, checked: both of rank 2, with the
 * sizes `agree` compares equal; else a ShapeError that says what `op` takes
 * (`takes`, e.g. "x [B,in] and w [out,in]").
 */
export function matrixPair(inputs: readonly Shape[], op: string, takes: string, agree: (p: Shape, q: Shape) => boolean): [Shape, Shape] {
  expectArity(inputs, 2, op);
  const [p, q] = inputs as [Shape, Shape];
  if (p.length !== 2 || q.length !== 2 || !agree(p, q)) throw new ShapeError(`${op} needs ${takes}, got ${shapeText(p)} and ${shapeText(q)}`);
  return [p, q];
}
