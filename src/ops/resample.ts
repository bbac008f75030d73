// Stride-2 resampling on every spatial axis of a field [B, C, N…], a pair of
// transposes that move values along one map, coarse point n <-> fine point 2n:
//   zero_insert: [B, C, N…] -> [B, C, 2N…],  z[m] = x[m/2] where every m_j is even, else 0
//                (with a kernel-3 SAME conv after it, PDEquinox's transposed
//                convolution: networks.md §4, unet's up-sampling);
//   subsample:   [B, C, N…] -> [B, C, N/2…], y[n] = x[2n] (N even).
// Each is the other's VJP.
import type { OpDef } from './op.js';
import { expectArity } from './op.js';
import { coord, flatIndex } from '../wgsl/text.js';
import { halvable, spatialSizes, unflatten } from './grid.js';
import { size, tensor } from './tensor.js';

/** For each point n of a grid of sizes N, the flat index of point 2n in the grid of sizes 2N. */
function evenPoints(N: readonly number[]): Int32Array {
  const out = new Int32Array(size(N));
  for (let f = 0; f < out.length; f++) out[f] = unflatten(f, N).reduce((a, m, j) => a * 2 * N[j]! + 2 * m, 0);
  return out;
}

export function resampling<K extends 'zero_insert' | 'subsample'>(name: K): OpDef<K> {
  const up = name === 'zero_insert';
  return {
    name,
    shape(inputs) {
      expectArity(inputs, 1, name);
      const x = inputs[0]!;
      const N = spatialSizes(x, 'x', name);
      return [x[0]!, x[1]!, ...(up ? N.map((n) => 2 * n) : halvable(N, 'x', name))];
    },
    eval([x], _attrs, shape) {
      const [fineShape, coarseShape] = up ? [shape, x!.shape] : [x!.shape, shape];
      const even = evenPoints(coarseShape.slice(2));
      const [coarse, fine] = [size(coarseShape.slice(2)), size(fineShape.slice(2))];
      const out = tensor(shape);
      for (let r = 0; r < out.data.length / (up ? fine : coarse); r++)
        for (let n = 0; n < coarse; n++) {
          const [c, f] = [r * coarse + n, r * fine + even[n]!];
          if (up) out.data[f] = x!.data[c]!;
          else out.data[c] = x!.data[f]!;
        }
      return out;
    },
    vjp(b, n, cot) {
      return [b.add(`d.${n.id}.x`, up ? 'subsample' : 'zero_insert', [cot], b.shapeOf(n.inputs[0]!))];
    },
    // Moves or makes values: no arithmetic.
    flops: () => [0],
    wgsl: {
      kind: 'expr',
      expr: (c, i) => {
        const at = c.out.map((_, a) => coord(c.out, a, i));
        const from = flatIndex(c.ins[0]!, at.map((v, a) => (a < 2 ? v : up ? `(${v} / 2u)` : `(${v} * 2u)`)));
        return up ? `select(0.0, ${c.x(0, from)}, ((${at.slice(2).join(' | ')}) & 1u) == 0u)` : c.x(0, from);
      },
    },
  };
}
