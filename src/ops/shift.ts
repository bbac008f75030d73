// Circular roll along the last axis by attr k, as np.roll:
// shift(u, 1)[i] = u[i - 1]. Its transpose is the roll back.
import { sizeDim, whole } from './attrs.js';
import type { OpDef } from './op.js';
import { expectArity, ShapeError } from './op.js';
import { tensor } from './tensor.js';

export const shift: OpDef<'shift'> = {
  name: 'shift',
  shape(inputs, attrs) {
    expectArity(inputs, 1, 'shift');
    whole(attrs.k, 'k', 'shift');
    const x = inputs[0]!;
    if (x.length === 0) throw new ShapeError('shift needs an axis to roll');
    sizeDim(x, x.length - 1, 'shift');
    return x;
  },
  eval([x], { k }) {
    const N = x!.shape[x!.shape.length - 1]!;
    return tensor(x!.shape, x!.data.map((_, i) => {
      const row = i - (i % N);
      return x!.data[row + ((((i % N) - k) % N) + N) % N]!;
    }));
  },
  vjp(b, n, cot) {
    return [b.add(`d.${n.id}.x`, 'shift', [cot], n.shape, { k: -n.attrs.k })];
  },
  // Row start plus the rolled column, with the roll reduced to [0, N).
  // Moves or makes values: no arithmetic.
  flops: () => [0],
  wgsl: {
    kind: 'expr',
    expr: (c, i) => {
      const n = c.out.at(-1) as number;
      const k = ((c.attrs.k % n) + n) % n;
      return c.x(0, `(${i} - ${i} % ${n}u + (${i} % ${n}u + ${n - k}u) % ${n}u)`);
    },
  },
};
