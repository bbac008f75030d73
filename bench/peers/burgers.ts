// W8's reference solver as the peers compute it: one ETDRK2 step (Cox and
// Matthews) of the conservative viscous Burgers equation
//   u_t = nu Δu - ½ Σ_d ∂_d(u²)
// on [0, 2π)^D, pseudo-spectral with 2/3 dealiasing before the square and
// after the term (docs/spectral.md). Per bin of the half spectrum, with
// z = -nu |κ|² h:
//   N(X) = i D · rfft(irfft(mask X)²),  D = -½ Σ_d κ_d · mask
//   a = E X + c1 N(X);  X' = a + c2 (N(a) - N(X))
//   E = e^z, c1 = h (e^z - 1)/z, c2 = h (e^z - 1 - z)/z²
// Every factor is real here (z is), so a complex product is two real ones.
// The tables are float64 on the host, written from the formulas above rather
// than from txc's solver (which takes contour means), so the loss check
// compares two implementations.
import type * as A from '../../src/dsl/ast.js';

export interface BurgersReference {
  nu: number;
  /** The step's h = dt / substeps, applied `substeps` times in Fourier space. */
  h: number;
  substeps: number;
  points: number;
  dims: number;
}

/** Half-spectrum tables [N, …, N, N/2 + 1], row-major. */
export interface BurgersTables {
  shape: number[];
  mask: Float64Array;
  deriv: Float64Array;
  E: Float64Array;
  c1: Float64Array;
  c2: Float64Array;
}

/** The Burgers ETDRK2 reference of a spec, or why the peers cannot compute it. */
export function burgersReference(ref: A.BuiltinStepper, state: number[]): BurgersReference {
  if (ref.name !== 'burgers' || ref.method !== 'etdrk2') throw new Error(`the peers implement the expression references and burgers etdrk2, not ${ref.name} ${ref.method}`);
  const num = (k: string) => {
    const v = ref.params[k];
    if (typeof v !== 'number') throw new Error(`burgers: ${k} is not a number`);
    return v;
  };
  const [channels, ...space] = state;
  if (channels !== 1 || space.some((n) => n !== space[0])) throw new Error('the burgers reference steps one channel on a square grid');
  const substeps = num('substeps');
  return { nu: num('nu'), h: num('dt') / substeps, substeps, points: space[0]!, dims: space.length };
}

/** (e^w - 1)/w and (e^w - 1 - w)/w², by their Taylor series where the closed forms cancel. */
function phi(w: number): [number, number] {
  if (Math.abs(w) < 1e-3) return [1 + w / 2 + (w * w) / 6 + (w * w * w) / 24, 0.5 + w / 6 + (w * w) / 24 + (w * w * w) / 120];
  const e = Math.expm1(w);
  return [e / w, (e - w) / (w * w)];
}

export function burgersTables(r: BurgersReference): BurgersTables {
  const N = r.points;
  const shape = [...Array<number>(r.dims - 1).fill(N), Math.floor(N / 2) + 1];
  const size = shape.reduce((a, b) => a * b, 1);
  const t: BurgersTables = { shape, mask: new Float64Array(size), deriv: new Float64Array(size), E: new Float64Array(size), c1: new Float64Array(size), c2: new Float64Array(size) };
  const limit = (2 / 3) * Math.floor(N / 2) - 1;
  for (let flat = 0; flat < size; flat++) {
    // The integer wavevector: fftfreq's signs on the leading axes, 0..N/2 on the last; κ = k on [0, 2π).
    let rest = flat;
    const k = shape.map(() => 0);
    for (let d = r.dims - 1; d >= 0; d--) {
      const i = rest % shape[d]!;
      rest = Math.floor(rest / shape[d]!);
      k[d] = d === r.dims - 1 || 2 * i < N ? i : i - N;
    }
    const mask = k.every((kd) => Math.abs(kd) <= limit) ? 1 : 0;
    const z = -r.nu * k.reduce((a, kd) => a + kd * kd, 0) * r.h;
    const [g1, g2] = phi(z);
    t.mask[flat] = mask;
    t.deriv[flat] = -0.5 * k.reduce((a, kd) => a + kd, 0) * mask;
    t.E[flat] = Math.exp(z);
    t.c1[flat] = r.h * g1;
    t.c2[flat] = r.h * g2;
  }
  return t;
}
