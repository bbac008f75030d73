// sum_i w_i * x_i over same-shaped inputs: time levels, branches, and the parts
// of a composite configuration.
import { sameShape } from '../ir/graph.js';
import type { OpDef } from './op.js';
import { ShapeError } from './op.js';

export const weighted_sum: OpDef = {
  name: 'weighted_sum',
  shape(inputs, attrs) {
    const w = attrs['weights'] as readonly number[];
    if (!Array.isArray(w) || w.length !== inputs.length)
      throw new ShapeError(`weighted_sum has ${inputs.length} inputs but ${(w as number[] | undefined)?.length ?? 0} weights`);
    if (inputs.length === 0) throw new ShapeError('weighted_sum of nothing');
    if (!inputs.every((s) => sameShape(s, inputs[0]!))) throw new ShapeError('weighted_sum inputs differ in shape');
    return inputs[0]!;
  },
};
