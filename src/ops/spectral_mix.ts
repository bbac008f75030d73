// A Fourier layer's channel mix (networks.md §6): the half spectrum x
// [B, I, K…, 2] of an rfft and complex weights w [G, O, I, M…, 2] give the
// half spectrum [B, O, K…, 2] with, at each kept bin k (spectral-modes.ts),
//   out[b, o, k] = Σ_i w[g, o, i, m] · x[b, i, k]      (complex products)
// and zeros at every other bin, which is what irfft of PDEquinox's
// zero-filled spectrum reads: the truncation after the rfft and the zero
// fill before the irfft are this op's reads and writes, not ops of their own.
// Its VJP: in x the adjoint mix (spectral_mix_t), in w the product with the
// conjugated input summed over the batch (spectral_mix_w).
import type { OpDef } from './op.js';
import { expectArity } from './op.js';
import { mixEval, mixFlops, mixLoop, mixShape } from './spectral-mix-loop.js';

export const spectral_mix: OpDef<'spectral_mix'> = {
  name: 'spectral_mix',
  shape(inputs) {
    expectArity(inputs, 2, 'spectral_mix');
    return mixShape('spectral_mix', inputs, false);
  },
  eval: ([x, w], _, shape) => mixEval(x!, w!, shape, false),
  vjp(b, n, cot) {
    const [x, w] = n.inputs as [string, string];
    const modes = b.shapeOf(w)[3] as number;
    return [
      b.add(`d.${n.id}.x`, 'spectral_mix_t', [cot, w], b.shapeOf(x)),
      b.add(`d.${n.id}.w`, 'spectral_mix_w', [cot, x], b.shapeOf(w), { modes }),
    ];
  },
  flops: (c) => mixFlops('spectral_mix', c),
  wgsl: mixLoop('spectral_mix', false),
};
