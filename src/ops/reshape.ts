// Reinterprets the row-major entries under attr `shape` (-1 for B), e.g. to
// flatten [B, C, N] to [B, C*N] for an MLP and back. The batch axis stays
// the first axis on both sides, so samples never mix.
import type { Shape } from '../ir/graph.js';
import { shapeText } from '../ir/graph.js';
import { shapeFromAttr, shapeToAttr } from './attrs.js';
import type { OpDef } from './op.js';
import { expectArity, ShapeError } from './op.js';
import { tensor } from './tensor.js';

function fixedSize(s: Shape): number {
  return s.reduce<number>((a, d) => (d === 'B' ? a : a * d), 1);
}

function batchFirst(s: Shape): boolean | undefined {
  const at = s.indexOf('B');
  if (at === -1) return false;
  return at === 0 && s.lastIndexOf('B') === 0 ? true : undefined;
}

export const reshape: OpDef<'reshape'> = {
  name: 'reshape',
  shape(inputs, attrs) {
    expectArity(inputs, 1, 'reshape');
    const [x, out] = [inputs[0]!, shapeFromAttr(attrs.shape, 'reshape')];
    const bx = batchFirst(x);
    if (bx === undefined || bx !== batchFirst(out) || fixedSize(x) !== fixedSize(out))
      throw new ShapeError(`reshape cannot turn ${shapeText(x)} into ${shapeText(out)}`);
    return out;
  },
  eval([x], _attrs, shape) {
    return tensor(shape, x!.data);
  },
  vjp(b, n, cot) {
    const x = b.shapeOf(n.inputs[0]!);
    return [b.add(`d.${n.id}.x`, 'reshape', [cot], x, { shape: shapeToAttr(x) })];
  },
  // Moves or makes values: no arithmetic.
  flops: () => [0],
  wgsl: { kind: 'expr', expr: (c, i) => c.x(0, i) },
};
