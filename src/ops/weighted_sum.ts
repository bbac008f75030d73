// sum_i w_i * x_i over same-shaped inputs: time levels, branches, and the parts
// of a composite configuration. A zero weight passes no cotangent, so its
// input's backward is never built.
import { sameShape } from '../ir/graph.js';
import type { OpDef } from './op.js';
import { ShapeError } from './op.js';
import { f32 } from '../wgsl/text.js';
import { tensor } from './tensor.js';

export const weighted_sum: OpDef<'weighted_sum'> = {
  name: 'weighted_sum',
  shape(inputs, attrs) {
    if (attrs.weights.length !== inputs.length) throw new ShapeError(`weighted_sum has ${inputs.length} inputs but ${attrs.weights.length} weights`);
    if (inputs.length === 0) throw new ShapeError('weighted_sum of nothing');
    if (!inputs.every((s) => sameShape(s, inputs[0]!))) throw new ShapeError('weighted_sum inputs differ in shape');
    return inputs[0]!;
  },
  eval(inputs, { weights: w }) {
    const out = tensor(inputs[0]!.shape);
    inputs.forEach((x, k) => x.data.forEach((v, i) => (out.data[i]! += w[k]! * v)));
    return out;
  },
  vjp(b, n, cot) {
    return n.attrs.weights.map((c, k) => {
      if (c === 0) return null;
      if (c === 1) return cot;
      return b.add(`d.${n.id}.${k}`, 'scale', [cot], n.shape, { c });
    });
  },
  wgsl: {
    kind: 'expr',
    expr: (c, i) => `(${c.attrs.weights.map((w, k) => `${f32(w)} * ${c.x(k, i)}`).join(' + ')})`,
  },
};
