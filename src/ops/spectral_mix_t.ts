// The adjoint of spectral_mix in its spectrum: y [B, O, K…, 2] and the same
// weights w [G, O, I, M…, 2] give [B, I, K…, 2] with, at each kept bin,
//   out[b, i, k] = Σ_o conj(w[g, o, i, m]) · y[b, o, k]
// and zeros elsewhere. As a real-linear map it is the mix's transpose (a
// complex cotangent G pairs with a change dX as Re(conj(G) dX)).
import type { OpDef } from './op.js';
import { expectArity } from './op.js';
import { mixEval, mixFlops, mixLoop, mixShape } from './spectral-mix-loop.js';

export const spectral_mix_t: OpDef<'spectral_mix_t'> = {
  name: 'spectral_mix_t',
  shape(inputs) {
    expectArity(inputs, 2, 'spectral_mix_t');
    return mixShape('spectral_mix_t', inputs, true);
  },
  eval: ([y, w], _, shape) => mixEval(y!, w!, shape, true),
  // out = W^H y: its cotangent's mix in y, and in w Σ_b y conj(cot) (spectral_mix_w with y first).
  vjp(b, n, cot) {
    const [y, w] = n.inputs as [string, string];
    const modes = b.shapeOf(w)[3] as number;
    return [
      b.add(`d.${n.id}.y`, 'spectral_mix', [cot, w], b.shapeOf(y)),
      b.add(`d.${n.id}.w`, 'spectral_mix_w', [y, cot], b.shapeOf(w), { modes }),
    ];
  },
  flops: (c) => mixFlops('spectral_mix_t', c),
  wgsl: mixLoop('spectral_mix_t', true),
};
