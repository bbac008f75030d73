import { binary } from './elementwise.js';

export const add = binary('add', (x, y) => x + y, (x, y) => `(${x} + ${y})`, (_b, _n, cot) => [cot, cot]);
