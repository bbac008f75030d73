// The periodic grid of an N-D state [channels, N, …, N] (row-major, the same N
// on each of D spatial axes), shared by the initial states and the steppers:
// the wrapped neighbours of each point along each axis, and the integer
// wavevectors of a truncated Fourier series.

/** A state's shape: `channels` then `dims` axes of `points`. */
export function fieldShape(channels: number, points: number, dims: number): number[] {
  return [channels, ...Array<number>(dims).fill(points)];
}

/**
 * For each spatial axis j (0 = the first after the channels), the flat index
 * of every point's neighbours: `left[j][i]` is u[…, i_j − 1, …] and
 * `right[j][i]` is u[…, i_j + 1, …], wrapped (np.roll(u, 1, j) and
 * np.roll(u, -1, j) read at i); with `zero`, a neighbour past the edge is
 * index `size`, where the stencil keeps a 0.
 */
interface Neighbours {
  left: Int32Array[];
  right: Int32Array[];
}

export function neighbours(size: number, points: number, dims: number, zero: boolean): Neighbours {
  const left: Int32Array[] = [];
  const right: Int32Array[] = [];
  for (let j = 0; j < dims; j++) {
    // Axis j's stride: the last axis moves by 1.
    const stride = points ** (dims - 1 - j);
    const l = new Int32Array(size);
    const r = new Int32Array(size);
    for (let i = 0; i < size; i++) {
      const c = Math.floor(i / stride) % points;
      l[i] = zero && c === 0 ? size : i + (((c + points - 1) % points) - c) * stride;
      r[i] = zero && c === points - 1 ? size : i + (((c + 1) % points) - c) * stride;
    }
    left.push(l);
    right.push(r);
  }
  return { left, right };
}

/**
 * One of each pair ±k of the nonzero integer wavevectors with |k_d| <= modes
 * on every axis: those whose first nonzero component is positive, in
 * lexicographic order. In 1-D these are 1, 2, …, modes.
 */
export function halfWavevectors(modes: number, dims: number): number[][] {
  let all: number[][] = [[]];
  for (let d = 0; d < dims; d++) all = all.flatMap((k) => Array.from({ length: 2 * modes + 1 }, (_, m) => [...k, m - modes]));
  return all.filter((k) => (k.find((x) => x !== 0) ?? 0) > 0);
}
