import { ew, unary } from './elementwise.js';

// The derivative is sign(relu(x)): 1 where x > 0, else 0 (also at the kink,
// as in JAX), read off the forward output so no comparison op is needed.
export const relu = unary('relu', (x) => (x > 0 ? x : 0), (x) => `max(${x}, 0.0)`, (b, n, cot) => {
  const step = ew(b, `d.${n.id}.step`, 'sign', [n.id]);
  return [ew(b, `d.${n.id}.x`, 'mul', [cot, step])];
});
