// Reading attributes in shape rules, where a malformed one is a ShapeError the
// verifier reports against its node.
import type { Attrs, Dim, Shape } from '../ir/graph.js';
import { ShapeError } from './op.js';

export function numAttr(attrs: Attrs, key: string, op: string): number {
  const v = attrs[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ShapeError(`${op} needs a number attribute '${key}'`);
  return v;
}

export function intAttr(attrs: Attrs, key: string, op: string): number {
  const v = numAttr(attrs, key, op);
  if (!Number.isInteger(v)) throw new ShapeError(`${op} needs an integer attribute '${key}', got ${v}`);
  return v;
}

export function numsAttr(attrs: Attrs, key: string, op: string): readonly number[] {
  const v = attrs[key];
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'number' && Number.isFinite(x)))
    throw new ShapeError(`${op} needs a number list attribute '${key}'`);
  return v as readonly number[];
}

/**
 * The axes a reduction or broadcast names, ascending and within `rank`; all
 * axes when the attribute is absent.
 */
export function axesAttr(attrs: Attrs, rank: number, op: string): readonly number[] {
  if (attrs['axes'] === undefined) return [...Array(rank).keys()];
  const axes = numsAttr(attrs, 'axes', op);
  if (!axes.every((a, i) => Number.isInteger(a) && a >= 0 && a < rank && (i === 0 || a > axes[i - 1]!)))
    throw new ShapeError(`${op} axes [${axes.join(',')}] must ascend within rank ${rank}`);
  return axes;
}

/** Attribute values are plain numbers, so a shape attribute writes 'B' as -1. */
export function shapeToAttr(shape: Shape): number[] {
  return shape.map((d) => (d === 'B' ? -1 : d));
}

export function shapeAttr(attrs: Attrs, op: string): Shape {
  const v = numsAttr(attrs, 'shape', op);
  return v.map((d): Dim => {
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
