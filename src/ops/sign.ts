import { unary } from './elementwise.js';

// Piecewise constant: its cotangent is zero wherever it is defined. +0 for
// sign(-0) so the value printed and compared is the one WGSL's sign gives.
export const sign = unary('sign', (x) => Math.sign(x) + 0, (x) => `sign(${x})`, () => [null]);
