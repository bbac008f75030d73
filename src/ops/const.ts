// A tensor filled with attr `value`, of the shape its node declares (B
// included): the seed cotangent 1, explicit zero gradients, zero padding in
// the transpose of `slice`.
import type { OpDef } from './op.js';
import { ShapeError } from './op.js';
import { f32 } from '../wgsl/text.js';
import { size, tensor } from './tensor.js';

export const constant: OpDef<'const'> = {
  name: 'const',
  leaf: true,
  shape() {
    throw new ShapeError('const declares its shape');
  },
  eval(_inputs, attrs, shape) {
    return tensor(shape, new Float64Array(size(shape)).fill(attrs.value));
  },
  // Moves or makes values: no arithmetic.
  flops: () => [0],
  wgsl: { kind: 'expr', expr: (c) => f32(c.attrs.value) },
};
