// Roll along one axis (attr axis, the last when absent) by attr k, as
// np.roll: shift(u, 1)[…, i, …] = u[…, i - 1, …]. With padding 'zero' the
// values that would wrap around are 0 instead (a Dirichlet-zero boundary).
// Its transpose is the roll back, with the same padding.
import type { Shape } from '../ir/graph.js';
import { sizeDim, whole } from './attrs.js';
import type { OpDef } from './op.js';
import { expectArity, ShapeError } from './op.js';
import { tensor } from './tensor.js';

/** The rolled axis of a shape, its length, and its stride in row-major order. */
function rolled(shape: readonly (number | string)[], axis: number | undefined): { n: number; stride: number } {
  const a = axis ?? shape.length - 1;
  const n = shape[a] as number;
  const stride = (shape.slice(a + 1) as number[]).reduce((p, d) => p * d, 1);
  return { n, stride };
}

export const shift: OpDef<'shift'> = {
  name: 'shift',
  shape(inputs, attrs) {
    expectArity(inputs, 1, 'shift');
    whole(attrs.k, 'k', 'shift');
    const x = inputs[0]!;
    if (x.length === 0) throw new ShapeError('shift needs an axis to roll');
    const a = attrs.axis ?? x.length - 1;
    if (!Number.isInteger(a) || a < 0 || a >= x.length) throw new ShapeError(`shift axis ${a} is not an axis of rank ${x.length}`);
    // The axis and those after it are fixed sizes: the rolled index's stride is known.
    for (let d = a; d < x.length; d++) sizeDim(x as Shape, d, 'shift');
    return x;
  },
  eval([x], { k, axis, padding }) {
    const { n, stride } = rolled(x!.shape, axis);
    return tensor(x!.shape, x!.data.map((_, i) => {
      const c = Math.floor(i / stride) % n;
      if (padding === 'zero' && (c - k < 0 || c - k >= n)) return 0;
      return x!.data[i + ((((c - k) % n) + n) % n - c) * stride]!;
    }));
  },
  vjp(b, n, cot) {
    return [b.add(`d.${n.id}.x`, 'shift', [cot], n.shape, { ...n.attrs, k: -n.attrs.k })];
  },
  // The index with its coordinate on the axis rolled, reduced to [0, n).
  // Moves or makes values: no arithmetic.
  flops: () => [0],
  wgsl: {
    kind: 'expr',
    expr: (c, i) => {
      const { n, stride } = rolled(c.out, c.attrs.axis);
      const k = ((c.attrs.k % n) + n) % n;
      const col = stride === 1 ? `${i} % ${n}u` : `(${i} / ${stride}u % ${n}u)`;
      const value =
        stride === 1
          ? c.x(0, `(${i} - ${i} % ${n}u + (${i} % ${n}u + ${n - k}u) % ${n}u)`)
          : c.x(0, `(${i} - ${col} * ${stride}u + ((${col} + ${n - k}u) % ${n}u) * ${stride}u)`);
      if (c.attrs.padding !== 'zero') return value;
      // The wrapped read stays in bounds; the select makes it 0 where col - k leaves [0, n).
      const inside = c.attrs.k >= 0 ? `${col} >= ${c.attrs.k}u` : `${col} < ${Math.max(0, n + c.attrs.k)}u`;
      return `select(0.0, ${value}, ${inside})`;
    },
  },
};
