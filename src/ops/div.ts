import { binary, ew } from './elementwise.js';

// d(x/y)/dy = -x/y^2 = -(x/y)/y: reuse the quotient instead of squaring y.
export const div = binary('div', (x, y) => x / y, (x, y) => `(${x} / ${y})`, (b, n, cot) => {
  const y = n.inputs[1]!;
  const dx = ew(b, `d.${n.id}.lhs`, 'div', [cot, y]);
  const q = ew(b, `d.${n.id}.q`, 'mul', [dx, n.id]);
  return [dx, ew(b, `d.${n.id}.rhs`, 'neg', [q])];
});
