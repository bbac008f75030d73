// Circular cross-correlation along the last axis (length N) with a constant
// kernel h (attr `kernel`, N numbers), independently per leading index:
//   out[i] = sum_j h[j] x[(i + j) mod N].
// Exact spectral steppers are this with h the inverse DFT of their symbol.
// The transpose correlates with the reflected kernel h'[j] = h[(-j) mod N].
import { sizeDim } from './attrs.js';
import type { OpDef } from './op.js';
import { expectArity, ShapeError } from './op.js';
import { f32 } from '../wgsl/text.js';
import { tensor } from './tensor.js';

export const circconv: OpDef<'circconv'> = {
  name: 'circconv',
  shape(inputs, attrs) {
    expectArity(inputs, 1, 'circconv');
    const x = inputs[0]!;
    if (x.length === 0) throw new ShapeError('circconv needs an axis to convolve');
    const n = sizeDim(x, x.length - 1, 'circconv');
    const h = attrs.kernel;
    if (h.length !== n) throw new ShapeError(`circconv kernel has ${h.length} taps for an axis of ${n}`);
    return x;
  },
  eval([x], attrs) {
    const h = attrs.kernel;
    const N = h.length;
    const out = tensor(x!.shape);
    for (let row = 0; row < x!.data.length; row += N)
      for (let i = 0; i < N; i++) {
        let acc = 0;
        for (let j = 0; j < N; j++) acc += h[j]! * x!.data[row + ((i + j) % N)]!;
        out.data[row + i] = acc;
      }
    return out;
  },
  vjp(b, n, cot) {
    const h = n.attrs.kernel;
    const reflected = h.map((_, j) => h[(h.length - j) % h.length]!);
    return [b.add(`d.${n.id}.x`, 'circconv', [cot], n.shape, { kernel: reflected })];
  },
  // out[i] = sum_j h[j] x[row + (col + j) mod N], over the taps in a
  // private array: unrolled, a 30-point spectral stepper's 30 gathered loads
  // per use took lavapipe about 0.4 s to compile.
  flops: (c) => [2, c.out.at(-1)!],
  wgsl: {
    kind: 'loop',
    reuse: (c) => [c.out.at(-1) as number],
    body: (c, i) => {
      const h = c.attrs.kernel;
      const n = h.length;
      const [row, col, taps, j, acc] = ['row', 'col', 'taps', 'j', 'acc'].map((t) => c.fresh(t)) as [string, string, string, string, string];
      return {
        stmts: [
          `let ${row} = ${i} - ${i} % ${n}u;`,
          `let ${col} = ${i} % ${n}u;`,
          `var ${taps} = array<f32, ${n}>(${h.map(f32).join(', ')});`,
          `var ${acc} = 0.0;`,
          `for (var ${j} = 0u; ${j} < ${c.bound(n)}; ${j}++) { ${acc} += ${taps}[${j}] * ${c.x(0, `${row} + (${col} + ${j}) % ${n}u`)}; }`,
        ],
        value: acc,
      };
    },
  },
};
