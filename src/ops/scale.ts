// Multiplication by a compile-time constant `c` (CFL numbers, loss weights,
// 1/n of a mean): no scalar value or broadcast needed.
import { finite } from './attrs.js';
import { ew, unary } from './elementwise.js';
import { f32 } from '../wgsl/text.js';

export const scale = unary(
  'scale',
  (x, attrs) => x * attrs.c,
  (x, attrs) => `(${x} * ${f32(attrs.c)})`,
  (b, n, cot) => [ew(b, `d.${n.id}.scale`, 'scale', [cot], { c: n.attrs.c })],
  (attrs) => finite(attrs.c, 'c', 'scale'),
);
