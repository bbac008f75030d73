import { ew, unary } from './elementwise.js';

// tanh' = 1 - y^2, written as cot - cot*y^2 so no constant 1 is needed.
export const tanh = unary('tanh', Math.tanh, (x) => `tx_tanh(${x})`, (b, n, cot) => {
  const y2 = ew(b, `d.${n.id}.y2`, 'square', [n.id]);
  const cy2 = ew(b, `d.${n.id}.cy2`, 'mul', [cot, y2]);
  return [ew(b, `d.${n.id}.x`, 'sub', [cot, cy2])];
});
