// GELU in its tanh approximation, jax.nn.gelu's default (approximate=True):
//   gelu(x) = x/2 (1 + tanh(u)),  u = sqrt(2/pi) (x + 0.044715 x^3).
// Its derivative, 1/2 (1 + t) + x/2 (1 - t^2) sqrt(2/pi) (1 + 3*0.044715 x^2)
// with t = tanh(u), is emitted as primitives (recomputing t rather than
// keeping it from the forward), expanded so no constant tensor is needed.
import { ew, unary } from './elementwise.js';

const K = Math.sqrt(2 / Math.PI);
const A = 0.044715;

export const gelu = unary('gelu', (x) => 0.5 * x * (1 + Math.tanh(K * (x + A * x * x * x))), (x) => `tx_gelu(${x})`, (b, n, cot) => {
  const x = n.inputs[0]!;
  const id = (tag: string) => `d.${n.id}.${tag}`;
  const x2 = ew(b, id('x2'), 'square', [x]);
  const x3 = ew(b, id('x3'), 'mul', [x2, x]);
  const inner = ew(b, id('inner'), 'add', [x, ew(b, id('ax3'), 'scale', [x3], { c: A })]);
  const t = ew(b, id('t'), 'tanh', [ew(b, id('u'), 'scale', [inner], { c: K })]);
  // cot (1 + t): the derivative through the factor (1 + t).
  const outer = ew(b, id('outer'), 'add', [cot, ew(b, id('ct'), 'mul', [cot, t])]);
  // cot x (1 - t^2) (1 + 3A x^2): the derivative through t, before the factor K.
  const cx = ew(b, id('cx'), 'mul', [cot, x]);
  const sech2 = ew(b, id('sech2'), 'sub', [cx, ew(b, id('cxt2'), 'mul', [cx, ew(b, id('t2'), 'square', [t])])]);
  const du = ew(b, id('du'), 'add', [sech2, ew(b, id('du3'), 'scale', [ew(b, id('sx2'), 'mul', [sech2, x2])], { c: 3 * A })]);
  const sum = ew(b, id('sum'), 'add', [outer, ew(b, id('kdu'), 'scale', [du], { c: K })]);
  return [ew(b, id('x'), 'scale', [sum], { c: 0.5 })];
});
