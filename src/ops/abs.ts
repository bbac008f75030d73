import { ew, unary } from './elementwise.js';

// sign(0) = 0: the subgradient at the kink that mae's derivative also uses.
export const abs = unary('abs', Math.abs, (x) => `abs(${x})`, (b, n, cot) => {
  const s = ew(b, `d.${n.id}.sign`, 'sign', [n.inputs[0]!]);
  return [ew(b, `d.${n.id}.x`, 'mul', [cot, s])];
});
