// A value fed from outside the graph. Chain graphs: `input ic`, `input
// target[t]` (the reference state at time level t). Primitive graphs also use
// it for parameters (`input param[layers.0.weight]`) and the batch of windows.
import type { OpDef } from './op.js';
import { ShapeError } from './op.js';

export const input: OpDef<'input'> = {
  name: 'input',
  leaf: true,
  shape() {
    throw new ShapeError('input declares its shape');
  },
};
