import { binary, ew } from './elementwise.js';

export const mul = binary('mul', (x, y) => x * y, (x, y) => `(${x} * ${y})`, (b, n, cot) => {
  const [x, y] = n.inputs as [string, string];
  return [ew(b, `d.${n.id}.lhs`, 'mul', [cot, y]), ew(b, `d.${n.id}.rhs`, 'mul', [cot, x])];
});
