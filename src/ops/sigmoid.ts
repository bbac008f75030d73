import { ew, unary } from './elementwise.js';

// sigmoid' = y(1 - y) = y - y^2.
export const sigmoid = unary('sigmoid', (x) => 1 / (1 + Math.exp(-x)), (x) => `tx_sigmoid(${x})`, (b, n, cot) => {
  const y2 = ew(b, `d.${n.id}.y2`, 'square', [n.id]);
  const dy = ew(b, `d.${n.id}.dy`, 'sub', [n.id, y2]);
  return [ew(b, `d.${n.id}.x`, 'mul', [cot, dy])];
});
