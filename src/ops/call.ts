// A call of the emulator, the reference stepper or the residuum on states. It
// lives only in chain graphs: the inline pass replaces it with primitives.
// Steppers map a state to a state of the same shape; a residuum R(next, prev)
// returns a residual of the state's shape.
import { sameShape, shapeText } from '../ir/graph.js';
import type { OpDef } from './op.js';
import { expectArity, ShapeError } from './op.js';

export const call: OpDef<'call'> = {
  name: 'call',
  shape(inputs, { fn }) {
    if (fn === 'residuum') {
      expectArity(inputs, 2, 'call residuum');
      if (!sameShape(inputs[0]!, inputs[1]!))
        throw new ShapeError(`residuum states differ: ${shapeText(inputs[0]!)} vs ${shapeText(inputs[1]!)}`);
      return inputs[0]!;
    }
    expectArity(inputs, 1, `call ${fn}`);
    return inputs[0]!;
  },
};
