// Entries start..start+size-1 along attr `axis` (a fixed-size axis), e.g. one
// coordinate of a Lorenz state [B, 3]. Its transpose pads the cotangent back
// with zeros, as a concat with constants.
import { sizeDim, whole } from './attrs.js';
import type { OpDef } from './op.js';
import { expectArity, ShapeError } from './op.js';
import { coord, flatIndex } from '../wgsl/text.js';
import { tensor } from './tensor.js';

export const slice: OpDef<'slice'> = {
  name: 'slice',
  shape(inputs, attrs) {
    expectArity(inputs, 1, 'slice');
    const x = inputs[0]!;
    for (const [key, v] of Object.entries(attrs)) whole(v, key, 'slice');
    const { axis, start, size } = attrs;
    if (axis < 0 || axis >= x.length) throw new ShapeError(`slice axis ${axis} outside rank ${x.length}`);
    const n = sizeDim(x, axis, 'slice');
    if (start < 0 || size < 1 || start + size > n)
      throw new ShapeError(`slice ${start}..${start + size - 1} outside an axis of ${n}`);
    return x.map((d, i) => (i === axis ? size : d));
  },
  eval([x], { axis, start }, shape) {
    const n = x!.shape[axis]!;
    const inner = x!.shape.slice(axis + 1).reduce((a, d) => a * d, 1);
    const size = shape[axis]!;
    const out = tensor(shape);
    for (let i = 0; i < out.data.length; i++) {
      const [outer, s, k] = [Math.floor(i / (size * inner)), Math.floor(i / inner) % size, i % inner];
      out.data[i] = x!.data[(outer * n + start + s) * inner + k]!;
    }
    return out;
  },
  vjp(b, n, cot) {
    const x = b.shapeOf(n.inputs[0]!);
    const { axis, start, size } = n.attrs;
    const rest = (x[axis] as number) - start - size;
    const zeros = (tag: string, len: number) =>
      b.add(`d.${n.id}.${tag}`, 'const', [], x.map((d, i) => (i === axis ? len : d)), { value: 0 });
    const parts = [...(start > 0 ? [zeros('before', start)] : []), cot, ...(rest > 0 ? [zeros('after', rest)] : [])];
    return [parts.length === 1 ? cot : b.add(`d.${n.id}.x`, 'concat', parts, x, { axis })];
  },
  // Moves or makes values: no arithmetic.
  flops: () => [0],
  wgsl: {
    kind: 'expr',
    expr: (c, i) => {
      const { axis, start } = c.attrs;
      const coords = c.out.map((_, a) => (a === axis ? `(${coord(c.out, a, i)} + ${start}u)` : coord(c.out, a, i)));
      return c.x(0, flatIndex(c.ins[0]!, coords));
    },
  },
};
