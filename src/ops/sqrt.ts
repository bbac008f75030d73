import { ew, unary } from './elementwise.js';

// sqrt' = 1 / (2y), from its output: the group norm's standard deviation,
// taken of a variance plus 1e-5, so y is never 0 there.
export const sqrt = unary('sqrt', Math.sqrt, (x) => `sqrt(${x})`, (b, n, cot) => {
  const twoY = ew(b, `d.${n.id}.2y`, 'scale', [n.id], { c: 2 });
  return [ew(b, `d.${n.id}.x`, 'div', [cot, twoY])];
});
