// Fields on a grid: a value [B, C, N_0, …, N_{D-1}] with one to three
// spatial axes (networks.md §1). What the convolutions and the stride-2
// resamplings share about their points.
import type { Shape } from '../ir/graph.js';
import { shapeText } from '../ir/graph.js';
import { sizeDim } from './attrs.js';
import { ShapeError } from './op.js';

/** The spatial sizes of field `what` of an op, which must be fixed; its channels must be too. */
export function spatialSizes(shape: Shape, what: string, op: string): number[] {
  if (shape.length < 3 || shape.length > 5)
    throw new ShapeError(`${op} needs ${what} [B, C, N_0, …] with 1 to 3 spatial axes, got ${shapeText(shape)}`);
  sizeDim(shape, 1, op);
  return shape.slice(2).map((_, j) => sizeDim(shape, j + 2, op));
}

/** Spatial sizes that a stride of 2 halves: each must be even. */
export function halvable(N: readonly number[], what: string, op: string): number[] {
  if (N.some((n) => n % 2 !== 0)) throw new ShapeError(`${op} needs even spatial sizes in ${what}, got [${N.join(', ')}]`);
  return N.map((n) => n / 2);
}

/** The row-major coordinates of flat point f of a grid of `sizes`. */
export function unflatten(f: number, sizes: readonly number[]): number[] {
  const out = sizes.map(() => 0);
  for (let j = sizes.length - 1; j >= 0; j--) {
    out[j] = f % sizes[j]!;
    f = Math.floor(f / sizes[j]!);
  }
  return out;
}

