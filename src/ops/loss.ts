// Time-level losses: reduce each sample over its channel and space entries,
// then average over the batch. One input (a residual) or two (prediction,
// target); the normalised ones divide per sample by the target's own norm.
import { sameShape, shapeText } from '../ir/graph.js';
import type { OpDef } from './op.js';
import { ShapeError } from './op.js';

export const loss: OpDef = {
  name: 'loss',
  shape(inputs, attrs) {
    const kind = String(attrs['kind']);
    if (inputs.length === 1) {
      if (kind === 'nmse' || kind === 'nmae') throw new ShapeError(`${kind} needs a target`);
      return [];
    }
    if (inputs.length !== 2) throw new ShapeError(`loss takes 1 or 2 inputs, got ${inputs.length}`);
    if (!sameShape(inputs[0]!, inputs[1]!))
      throw new ShapeError(`loss operands differ: ${shapeText(inputs[0]!)} vs ${shapeText(inputs[1]!)}`);
    return [];
  },
};
