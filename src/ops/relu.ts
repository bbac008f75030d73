import { ew, unary } from './elementwise.js';

// max(x, 0) as XLA computes it: NaN stays NaN, so a diverged rollout stays
// diverged. WGSL's max may return the other operand for a NaN; the ordered
// comparison `x <= 0.0` is false for NaN, so the select passes it through.
// The derivative is sign(relu(x)): 1 where x > 0, else 0 (also at the kink,
// as in JAX), read off the forward output so no comparison op is needed.
export const relu = unary('relu', (x) => (x <= 0 ? 0 : x), (x) => `select(${x}, 0.0, ${x} <= 0.0)`, (b, n, cot) => {
  const step = ew(b, `d.${n.id}.step`, 'sign', [n.id]);
  return [ew(b, `d.${n.id}.x`, 'mul', [cot, step])];
});
