import { ew, unary } from './elementwise.js';

export const square = unary('square', (x) => x * x, (x) => `tx_square(${x})`, (b, n, cot) => {
  const twoX = ew(b, `d.${n.id}.2x`, 'scale', [n.inputs[0]!], { c: 2 });
  return [ew(b, `d.${n.id}.x`, 'mul', [cot, twoX])];
});
