// APEBench's presets in the language (scenarios §8, §9): a preset's block
// takes the scenario's defaults and any option over them, a coarse solver
// of a preset steps half its dt, an unknown name suggests the nearest, and
// the dimensions a preset or system is defined in are judged at its block.
import { describe, expect, test } from 'vitest';
import { frontend } from '../../src/frontend.js';
import { PRESET_NAMES, PRESETS, presetDataSchema, presetStepperSchema } from '../../src/dsl/presets.js';

const fe = (source: string) => frontend(source, 'p.tx');
const messages = (source: string) => fe(source).diagnostics.map((d) => `${d.line}:${d.column} ${d.severity} ${d.message}${d.hint ? ` | ${d.hint}` : ''}`);
const EMU = 'emulator conv { channels 1 -> 1 }\n';

describe('presets', () => {
  test("every preset's options are options of its system", () => {
    for (const p of Object.values(PRESETS)) {
      expect(() => presetDataSchema(p)).not.toThrow();
      expect(() => presetStepperSchema(p)).not.toThrow();
    }
  });

  test("a preset's data block has APEBench's common defaults and the scenario's own, each overridable", () => {
    const d = fe(`data diff_ks { }\n${EMU}config supervised rollout 1`).spec.data;
    expect(d).toMatchObject({ kind: 'generator', generator: 'generic_nonlinear', preset: 'diff_ks', dims: 1, points: 160, trajectories: 50, snapshots: 51, testTrajectories: 30 });
    expect(d).toMatchObject({ params: { cutoff: 5, warmup: 500, form: 'difficulty', a: [0, 0, -1.2, 0, -15], b: [0, 0, -6], extent: 1, dt: 1 } });
    const e = fe(`data diff_ks { dims 2  points 64  warmup 10  b [0, 0, -5] }\n${EMU}config supervised rollout 1`).spec.data;
    expect(e).toMatchObject({ dims: 2, points: 64, params: { warmup: 10, b: [0, 0, -5], a: [0, 0, -1.2, 0, -15] } });
    expect(fe(`data phy_kolm_flow { points 32 }\n${EMU}config supervised rollout 1`).spec.data).toMatchObject({ generator: 'kolmogorov', dims: 2, params: { nu: 0.01, substeps: 20, warmup: 500 } });
  });

  test('a coarse solver of a preset steps by proportion 0.5 of its dt by default; a reference by all of it', () => {
    const coarse = (block: string, data = 'diff_ks') =>
      fe(`data ${data} { points 32  cutoff 3 }\nreference ${data} { }\nemulator correction { coarse ${block}  net conv { channels 1 -> 1 } }\nconfig diverted rollout 1`).spec;
    const s = coarse('diff_ks { }');
    expect(s.reference).toMatchObject({ preset: 'diff_ks', params: { dt: 1 } });
    expect(s.emulator).toMatchObject({ coarse: { preset: 'diff_ks', params: { dt: 0.5 } } });
    expect(coarse('diff_ks { proportion 0.25 }').emulator).toMatchObject({ coarse: { params: { dt: 0.25 } } });
    expect(coarse('phy_ks { }', 'phy_ks').emulator).toMatchObject({ coarse: { params: { dt: 0.05, extent: 60 } } });
    // A named system's coarse solver keeps its dt unless it asks for a proportion.
    expect(coarse('ks { }', 'ks').emulator).toMatchObject({ coarse: { params: { dt: 0.1 } } });
    expect(coarse('ks { proportion 0.5 }', 'ks').emulator).toMatchObject({ coarse: { params: { dt: 0.05 } } });
  });

  test("a solver of another preset of the same system keeps that preset's coefficients", () => {
    const s = fe(`data diff_ks { points 32  cutoff 3 }\nreference diff_kdv { }\n${EMU}config diverted rollout 1`).spec;
    expect(s.reference).toMatchObject({ name: 'generic_nonlinear', preset: 'diff_kdv', params: { a: [0, 0, 0, -14, -9], b: [0, -2, 0] } });
    const t = fe(`data diff_ks { points 32  cutoff 3  b [0, 0, -4] }\nreference diff_ks { }\n${EMU}config diverted rollout 1`).spec;
    expect(t.reference).toMatchObject({ params: { b: [0, 0, -4] } });
  });

  test('an unknown preset suggests the nearest name', () => {
    expect(messages(`data diff_kss { dims 2 }\n${EMU}config supervised rollout 1`)[0]).toBe("1:6 error unknown data generator 'diff_kss' | did you mean 'diff_ks'?");
    expect(messages(`data ks { points 32  cutoff 3 }\nreference phy_kolm_flw { }\n${EMU}config diverted rollout 1`)[0]).toMatch(/^2:11 error unknown reference 'phy_kolm_flw' \| did you mean 'phy_kolm_flow'\?/);
  });

  test('every preset is known to the checker', () => {
    for (const name of PRESET_NAMES) {
      const dims = PRESETS[name]!.dims[0];
      const c = PRESETS[name]!.system === 'gray_scott' ? 2 : 1;
      const net = `net conv { channels ${c} -> ${c} }`;
      expect(messages(`data ${name} { points 32  cutoff 3 }\nreference ${name} { }\nemulator correction { coarse ${name} { }  ${net} }\nconfig diverted rollout 1`), `${name} (${dims}-D)`).toEqual([]);
    }
  });

  test('the Fisher presets draw densities: the mean kept, the range mapped onto [0, 1]; an ic of the block replaces it', () => {
    const law = { name: 'fourier', options: { zero_mean: false, std_one: false, max_one: false, offset: [-0.5, 0.5], clamp: [0, 1] } };
    for (const name of ['diff_fisher', 'phy_fisher']) expect(fe(`data ${name} { }\n${EMU}config supervised rollout 1`).spec.data).toMatchObject({ law });
    expect(fe(`data diff_fisher { }\n${EMU}config supervised rollout 1`).spec.data).toMatchObject({ generator: 'generic_nonlinear', params: { form: 'difficulty', a: [0.02, 0, 0.2], b: [-0.02, 0, 0] } });
    expect(fe(`data phy_fisher { }\n${EMU}config supervised rollout 1`).spec.data).toMatchObject({ generator: 'generic_polynomial', params: { extent: 1, dt: 0.001, a: [20, 0, 0.004], poly: [0, 0, -20] } });
    expect(fe(`data diff_fisher { ic grf { } }\n${EMU}config supervised rollout 1`).spec.data).toMatchObject({ law: { name: 'grf' } });
    // The other presets keep their system's own states (APEBench's max |u| = 1 series, Gray–Scott's blobs).
    expect(fe(`data diff_ks { }\n${EMU}config supervised rollout 1`).spec.data).not.toHaveProperty('law');
    expect(fe(`data phy_gs { }\nemulator conv { channels 2 -> 2 }\nconfig supervised rollout 1`).spec.data).toMatchObject({ generator: 'gray_scott', dims: 2, params: { extent: 1, dt: 10, substeps: 10, feed: 0.04, kill: 0.06 } });
  });

  test('held-out trajectories of 201 snapshots for a preset; for a system as many as the training ones', () => {
    const data = (block: string) => fe(`data ${block}\n${EMU}config supervised rollout 1`).spec.data;
    expect(data('diff_ks { }')).toMatchObject({ snapshots: 51, testSnapshots: 201 });
    expect(data('diff_ks { snapshots 12  test_snapshots 30 }')).toMatchObject({ snapshots: 12, testSnapshots: 30 });
    expect(data('ks { snapshots 12 }')).toMatchObject({ snapshots: 12, testSnapshots: 12 });
    expect(data('advection { test_snapshots 40 }')).toMatchObject({ snapshots: 100, testSnapshots: 40 });
    expect(messages(`data ks { test_snapshots 1 }\n${EMU}config supervised rollout 1`)).toEqual(["1:26 error 'test_snapshots' must be at least 2, got 1 | e.g. test_snapshots 2"]);
    // A data file's held-out trajectories are its own, of the file's length.
    expect(messages(`data file "x.npy" { test_snapshots 40 }\n${EMU}config supervised rollout 1`)).toEqual(["1:21 error unknown option 'test_snapshots' for file data | expected one of: test_trajectories"]);
  });
});

describe('dimensions', () => {
  test('a preset outside its dimensions, at dims or at the solver, with why', () => {
    expect(messages(`data phy_sh { dims 1  points 32 }\n${EMU}config supervised rollout 1`)).toEqual([
      "1:15 error the preset phy_sh is defined in 2-D and 3-D, but dims is 1 | APEBench's Swift–Hohenberg patterns are 2-D and 3-D; the 1-D system is data swift_hohenberg",
    ]);
    expect(messages(`data ks { points 32  cutoff 3 }\nreference phy_decay_turb { }\n${EMU}config diverted rollout 1`)).toEqual(['2:11 error the preset phy_decay_turb is defined in 2-D, but dims is 1 | a vorticity field is 2-D']);
    expect(messages(`data phy_gs { dims 1  points 32 }\nemulator conv { channels 2 -> 2 }\nconfig supervised rollout 1`)).toEqual([
      "1:15 error the preset phy_gs is defined in 2-D and 3-D, but dims is 1 | APEBench's Gray–Scott patterns are 2-D and 3-D; the 1-D system is data gray_scott",
    ]);
    expect(messages(`data diff_burgers { dims 2  points 32 }\n${EMU}config supervised rollout 1`)[0]).toMatch(/^1:21 error the preset diff_burgers is defined in 1-D, but dims is 2 \| txc has no multi-channel/);
  });

  test('navier_stokes as a solver of 1-D data is an error at its block', () => {
    expect(messages(`data ks { points 32  cutoff 3 }\nreference navier_stokes { }\n${EMU}config diverted rollout 1`)).toEqual(['2:11 error navier_stokes is a 2-D system, but the data has 1 spatial axis | give the data dims 2']);
  });

  test('ks_conservative in 2-D is a warning, at the data and at a solver', () => {
    const m = messages(`data ks_conservative { dims 2  points 16  cutoff 3 }\nreference ks_conservative { }\n${EMU}config diverted rollout 1`);
    expect(m).toHaveLength(2);
    expect(m[0]).toMatch(/^1:24 warning ks_conservative in 2-D is the 1-D equation's conservative form .* \| use ks \(the gradient-norm form\) in 2-D and 3-D$/);
    expect(m[1]).toMatch(/^2:11 warning ks_conservative in 2-D/);
    expect(fe(`data ks_conservative { points 16  cutoff 3 }\n${EMU}config supervised rollout 1`).diagnostics).toEqual([]);
  });
});

describe('coefficients that lose precision', () => {
  test('a mode growing past f32 in one step: reduce dt or the reaction rate', () => {
    // Fisher–KPP grows its mean at rate r: e^{r dt} = e^100.
    expect(messages(`data fisher_kpp { points 32  cutoff 3  reactivity 1000  dt 0.1 }\n${EMU}config supervised rollout 1`)).toEqual([
      "1:1 error the fastest-growing mode grows by e^100 per step, past f32's range (max Re(L)·dt > 80): the ETDRK coefficients lose precision at this dt | reduce dt or the reaction rate",
    ]);
    expect(messages(`data fisher_kpp { points 32  cutoff 3  reactivity 790  dt 0.1 }\n${EMU}config supervised rollout 1`)).toEqual([]);
  });

  test('a contour point within 1e-3 of 0: change circle_radius', () => {
    // Bin 0 has z = 0, so every contour point lies at distance r from 0.
    const m = messages(`data ks { points 32  cutoff 3 }\nemulator correction { coarse ks { circle_radius 5e-4 }  net conv { channels 1 -> 1 } }\nconfig supervised rollout 1`);
    expect(m).toEqual(['2:23 error a point of the ETDRK contour mean lies 5.0e-4 from 0, where the coefficients\' closed forms lose their precision | change circle_radius (now 0.0005), so that no mode\'s L·dt lies at that distance from 0']);
    expect(messages(`data ks { points 32  cutoff 3 }\nemulator correction { coarse ks { circle_radius 2 }  net conv { channels 1 -> 1 } }\nconfig supervised rollout 1`)).toEqual([]);
  });

  test('non-finite coefficients', () => {
    // z = 0 on every mode; ETDRK3's 2 h g1 = 2 h is 4e38, past f32.
    expect(messages(`data ks { points 32  cutoff 3 }\nreference ks { dt 2e38  second_order 0  fourth_order 0  method etdrk3 }\n${EMU}config diverted rollout 1`)).toEqual([
      '2:11 error the ETDRK coefficients are not finite: c1x2 is 4.00e+38 at a mode | check the solver coefficients and dt for a value that overflows',
    ]);
    // On an extent of 1e-20, kappa^17 overflows float64.
    const a = `[${[...Array<number>(17).fill(0), 1].join(', ')}]`;
    expect(messages(`data generic_linear { points 32  cutoff 3  extent 1e-20  a ${a} }\n${EMU}config supervised rollout 1`)[0]).toMatch(/^1:1 error the ETDRK coefficients are not finite: L·dt is 0 \+ Infinityi at a mode/);
  });
});
