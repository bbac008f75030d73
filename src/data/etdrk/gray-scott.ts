// Gray–Scott reaction–diffusion (scenarios §3, §4), the one system of two
// channels: u the fed substrate, v the autocatalyst,
//   u_t = nu1 Laplace u + F (1 - u) - u v^2
//   v_t = nu2 Laplace v - (F + K) v + u v^2,
// with the diffusion in L (one symbol per channel) and the rest in N, as
// Exponax splits it. N is taken from the dealiased state: its linear parts are
// that spectrum scaled per channel, the feed F is a constant on bin 0 of u,
// and the one product u v^2 enters both channels with opposite signs.
import { STATE_CHANNELS } from '../../dsl/schema.js';
import { complex } from '../../math/etdrk.js';
import { norm2 } from './grid.js';
import type { Spectral } from './spectral.js';
import type { Solver } from './step.js';

export const GRAY_SCOTT_CHANNELS = STATE_CHANNELS.gray_scott!;

export function grayScott(nu1: number, nu2: number, feed: number, kill: number): Solver {
  return {
    channels: GRAY_SCOTT_CHANNELS,
    linear: (b, c) => complex(-(c === 0 ? nu1 : nu2) * norm2(b)),
    nonlinear(s: Spectral, X: string) {
      const Xp = s.diag('Xp', X, (b) => complex(s.mask(b)));
      const w = s.toField('w', Xp);
      const [u, v] = [s.channel('u', w, 0), s.channel('v', w, 1)];
      const R = s.toSpectrum('R', s.ew('uvv', 'mul', u, s.ew('vv', 'square', v)));
      const reaction = s.diagChannels('react', s.stack('RR', [R, R]), 2, (b, c) => complex((c === 0 ? -1 : 1) * s.postMask(b)));
      // Xp is masked already: post-dealiasing leaves its multiples as they are.
      const decay = s.diagChannels('decay', Xp, 2, (_, c) => complex(c === 0 ? -feed : -(feed + kill)));
      // The field F on u is F N^D on bin 0; a spectrum of ones, 1 + i per bin, times (F N^D / 2)(1 - i) is that.
      const F = feed * s.grid.points ** s.grid.dims;
      const ones = s.constant('ones', X, 1);
      const source = s.diagChannels('feed', ones, 2, (b, c) => (c === 0 && b.k.every((k) => k === 0) ? complex(F / 2, -F / 2) : complex(0)));
      return s.sum('N', [decay, reaction, source]);
    },
  };
}
