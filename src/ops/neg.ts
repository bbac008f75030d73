import { ew, unary } from './elementwise.js';

export const neg = unary('neg', (x) => -x, (x) => `(-${x})`, (b, n, cot) => [ew(b, `d.${n.id}.neg`, 'neg', [cot])]);
