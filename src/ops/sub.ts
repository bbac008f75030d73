import { binary, ew } from './elementwise.js';

export const sub = binary('sub', (x, y) => x - y, (x, y) => `(${x} - ${y})`, (b, n, cot) => [cot, ew(b, `d.${n.id}.neg`, 'neg', [cot])]);
