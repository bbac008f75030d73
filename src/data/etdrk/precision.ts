// When a step's ETDRK coefficients cannot be trusted (scenarios §12): a mode
// whose e^z leaves f32's range, a contour point so close to 0 that the
// closed forms cancel there, or a coefficient that is not a finite f32. The
// step refuses to build with them; the front end reports the same problem at
// the solver's block (data/etdrk/diagnose.ts).
import type { Complex, Contour } from '../../math/etdrk.js';

/** The largest Re(L h) of any mode: e^88 is near f32's largest number. */
export const MAX_GROWTH = 80;
/** The closest a contour point may come to 0. */
export const MIN_CONTOUR_DISTANCE = 1e-3;
const F32_MAX = 3.4028234663852886e38;

export interface Problem {
  readonly message: string;
  readonly hint: string;
}

/** What is wrong with the modes' z = L h, or undefined. */
export function symbolProblem(zs: readonly Complex[], contour: Contour): Problem | undefined {
  const bad = zs.find((z) => !Number.isFinite(z.re) || !Number.isFinite(z.im));
  if (bad) return nonFinite(`L·dt is ${bad.re} + ${bad.im}i at a mode`);
  const growth = zs.reduce((m, z) => Math.max(m, z.re), -Infinity);
  if (growth > MAX_GROWTH)
    return {
      message: `the fastest-growing mode grows by e^${growth.toPrecision(3)} per step, past f32's range (max Re(L)·dt > ${MAX_GROWTH}): the ETDRK coefficients lose precision at this dt`,
      hint: 'reduce dt or the reaction rate',
    };
  const { points: m, radius: r } = contour;
  let closest = Infinity;
  for (const z of zs)
    for (let j = 1; j <= m; j++) {
      const angle = (2 * Math.PI * (j - 0.5)) / m;
      closest = Math.min(closest, Math.hypot(z.re + r * Math.cos(angle), z.im + r * Math.sin(angle)));
    }
  if (closest < MIN_CONTOUR_DISTANCE)
    return {
      message: `a point of the ETDRK contour mean lies ${closest.toExponential(1)} from 0, where the coefficients' closed forms lose their precision`,
      hint: `change circle_radius (now ${r}), so that no mode's L·dt lies at that distance from 0`,
    };
  return undefined;
}

/** A coefficient table's problem: a value that is not a finite f32. */
export function tableProblem(name: string, table: readonly number[]): Problem | undefined {
  const i = table.findIndex((x) => !(Math.abs(x) <= F32_MAX));
  return i < 0 ? undefined : nonFinite(`${name} is ${table[i]!.toPrecision(3)} at a mode`);
}

function nonFinite(what: string): Problem {
  return { message: `the ETDRK coefficients are not finite: ${what}`, hint: 'check the solver coefficients and dt for a value that overflows' };
}
