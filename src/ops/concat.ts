// Joins its inputs along attr `axis` (a fixed-size axis); the others agree.
// Its transpose slices the cotangent back into the pieces.
import { shapeText } from '../ir/graph.js';
import { sizeDim, whole } from './attrs.js';
import type { OpDef } from './op.js';
import { ShapeError } from './op.js';
import { coord, flatIndex } from '../wgsl/text.js';
import { tensor } from './tensor.js';

export const concat: OpDef<'concat'> = {
  name: 'concat',
  shape(inputs, attrs) {
    const axis = whole(attrs.axis, 'axis', 'concat');
    if (inputs.length === 0) throw new ShapeError('concat of nothing');
    const first = inputs[0]!;
    if (axis < 0 || axis >= first.length) throw new ShapeError(`concat axis ${axis} outside rank ${first.length}`);
    let total = 0;
    for (const s of inputs) {
      if (s.length !== first.length || s.some((d, i) => i !== axis && d !== first[i]))
        throw new ShapeError(`concat inputs differ off axis ${axis}: ${inputs.map(shapeText).join(', ')}`);
      total += sizeDim(s, axis, 'concat');
    }
    return first.map((d, i) => (i === axis ? total : d));
  },
  eval(inputs, { axis }, shape) {
    const inner = shape.slice(axis + 1).reduce((a, d) => a * d, 1);
    const outer = shape.slice(0, axis).reduce((a, d) => a * d, 1);
    const out = tensor(shape);
    let at = 0;
    for (const x of inputs) {
      const chunk = x.shape[axis]! * inner;
      for (let o = 0; o < outer; o++) out.data.set(x.data.subarray(o * chunk, (o + 1) * chunk), o * shape[axis]! * inner + at);
      at += chunk;
    }
    return out;
  },
  vjp(b, n, cot) {
    const axis = n.attrs.axis;
    let start = 0;
    return n.inputs.map((x, k) => {
      const shape = b.shapeOf(x);
      const size = shape[axis] as number;
      const id = b.add(`d.${n.id}.${k}`, 'slice', [cot], shape, { axis, start, size });
      start += size;
      return id;
    });
  },
  // Every piece is read at a clamped, in-range index and the right one selected.
  // Moves or makes values: no arithmetic.
  flops: () => [0],
  wgsl: {
    kind: 'expr',
    expr: (c, i) => {
      const axis = c.attrs.axis;
      const at = coord(c.out, axis, i);
      let offset = 0;
      const pieces = c.ins.map((shape, k) => {
        const n = shape[axis] as number;
        const local = `u32(clamp(i32(${at}) - ${offset}, 0, ${n - 1}))`;
        const coords = c.out.map((_, a) => (a === axis ? local : coord(c.out, a, i)));
        const piece = { value: c.x(k, flatIndex(shape, coords)), end: offset + n };
        offset += n;
        return piece;
      });
      return pieces.slice(0, -1).reduceRight((rest, p) => `select(${rest}, ${p.value}, ${at} < ${p.end}u)`, pieces.at(-1)!.value);
    },
  },
};
