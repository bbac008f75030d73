// `ic <law> { … }` in a spectral system's data block (scenarios §6, §12):
// the laws and their defaults, and what the checker says of their options;
// Gray–Scott's channels against the emulator and a solver's data.
import { describe, expect, test } from 'vitest';
import { frontend } from '../../src/frontend.js';

const check = (source: string) => frontend(source, 'ic.tx');
const messages = (source: string) => check(source).diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`);
const TAIL = '\nemulator conv { channels 1 -> 1  kernel 3 }\nconfig supervised rollout 1';
const ks = (ic: string, grid = 'points 32') => `data ks { ${grid}  ${ic} }${TAIL}`;
/** `message` at the first `needle` of line 1 of `source`. */
const at = (source: string, needle: string, message: string) => `1:${source.indexOf(needle) + 1} ${message}`;
/** The diagnostics of ks(ic, grid), each expected at its needle. */
const expectAt = (ic: string, expected: [string, string][], grid?: string) => {
  const src = ks(ic, grid);
  expect(messages(src)).toEqual(expected.map(([needle, message]) => at(src, needle, message)));
};

describe('initial-state laws', () => {
  test('each law with its defaults, and a fourier cutoff only where given', () => {
    const law = (ic: string) => {
      const d = check(ks(ic)).spec.data;
      return d?.kind === 'generator' ? d.law : undefined;
    };
    expect(law('ic grf { exponent 2 }')).toMatchObject({ name: 'grf', options: { exponent: 2, zero_mean: true, std_one: false, max_one: false } });
    expect(law('ic diffused')).toMatchObject({ name: 'diffused', options: { intensity: 0.001, zero_mean: true } });
    expect(law('ic blobs { count 3  clamp [0, 1] }')).toMatchObject({
      name: 'blobs',
      options: { count: 3, position: [0.4, 0.6], variance: [0.005, 0.01], zero_mean: false, clamp: [0, 1] },
    });
    expect(law('ic fourier { max_one true }')?.options).toEqual({ offset: [-0.5, 0.5], zero_mean: true, std_one: false, max_one: true });
    expect(law('ic fourier { cutoff 3 }')?.options).toMatchObject({ cutoff: 3 });
    expect(law('cutoff 3')).toBeUndefined();
  });

  test('an unknown option: its span, and a hint naming the close one or listing them all', () => {
    const typo = check(ks('ic grf { exponnt 2 }')).diagnostics;
    expect(typo.map((d) => `${d.line}:${d.column} ${d.message} (${d.hint})`)).toEqual([at(ks('ic grf { exponnt 2 }'), 'exponnt', "unknown option 'exponnt' for the grf ic (did you mean 'exponent'?)")]);
    expect(check(ks('ic blobs { radius 2 }')).diagnostics[0]!.hint).toBe('expected one of: count, position, variance, zero_mean, std_one, max_one, clamp');
  });

  test('an unknown law names the laws and file', () => {
    const d = check(ks('ic gauss { }')).diagnostics;
    expect(d.map((x) => `${x.line}:${x.column} ${x.message}`)).toEqual([at(ks('ic gauss { }'), 'gauss', "unknown ic 'gauss'")]);
    expect(d[0]!.hint).toBe('expected one of: file, fourier, grf, diffused, blobs');
  });

  test('std_one with max_one, or without a zero mean', () => {
    expectAt('ic grf { std_one true  max_one true }', [['std_one', 'std_one and max_one cannot both be true']]);
    expectAt('ic blobs { std_one true }', [['std_one', 'std_one needs zero_mean true']]);
    expectAt('ic grf { zero_mean false  std_one true }', [['std_one', 'std_one needs zero_mean true']]);
    expect(messages(ks('ic blobs { zero_mean true  std_one true }'))).toEqual([]);
  });

  test('a cutoff above N//2 - 1: the block\'s, or the fourier law\'s own', () => {
    expectAt('cutoff 4', [['cutoff', 'a Fourier series of cutoff 4 needs more than 9 points, but the grid has 8']], 'points 8');
    expect(check(ks('cutoff 4', 'points 8')).diagnostics[0]!.hint).toBe('use cutoff 3 or less, or at least 10 points');
    expect(messages(ks('cutoff 3', 'points 8'))).toEqual([]);
    expectAt('ic fourier { cutoff 4 }', [['cutoff', 'a Fourier series of cutoff 4 needs more than 9 points, but the grid has 8']], 'points 8');
    // The default cutoff 5 on 8 points, where a law other than fourier does not use it.
    expect(messages(ks('ic grf', 'points 8'))).toEqual([]);
    // No cutoff written: the message points at the grid.
    expectAt('', [['points', 'a Fourier series of cutoff 5 needs more than 11 points, but the grid has 8']], 'points 8');
  });

  test('ranges [lo, hi]', () => {
    expectAt('ic grf { clamp [1, 0] }', [['[1, 0]', "'clamp' expects a range [lo, hi] with lo < hi, got [1, 0]"]]);
    expectAt('ic blobs { variance [0, 0.1] }', [['[0, 0.1]', "'variance' must be positive, got [0, 0.1]"]]);
    expectAt('ic blobs { position [0.5] }', [['[0.5]', "'position' expects a range [lo, hi] with lo <= hi, got [0.5]"]]);
  });

  test('only the spectral systems draw from a law; the others take a file', () => {
    const src = `data advection { points 32  ic grf }${TAIL}`;
    expect(messages(src)).toEqual([at(src, 'grf', "'ic' expects file and a quoted path")]);
  });
});

describe("Gray–Scott's two channels", () => {
  const GS = 'data gray_scott { dims 2  points 16 }';
  test('its data, its emulator and its reference', () => {
    expect(messages(`${GS}\nemulator conv { channels 2 -> 4 -> 2 }\nreference gray_scott { }\nconfig diverted rollout 2`)).toEqual([]);
    expect(messages(`${GS}\nemulator conv { channels 1 -> 4 -> 1 }\nconfig supervised rollout 1`)).toEqual(["2:1 the emulator maps 1 to 1 channels, but the data's states have 2"]);
    const correction = check(`${GS}\nemulator correction { coarse gray_scott { dt 5 }  net conv { channels 2 -> 8 -> 2 } }\nconfig supervised rollout 2`);
    expect(correction.diagnostics).toEqual([]);
    // The coarse solver takes the data's options its block leaves out.
    expect(correction.spec.emulator).toMatchObject({ coarse: { name: 'gray_scott', params: { dt: 5, substeps: 10, feed: 0.04 } } });
  });

  test("a gray_scott solver on one channel's data", () => {
    const emulator = 'emulator correction { coarse gray_scott { }  net conv { channels 1 -> 1 } }';
    const d = check(`data ks { points 32 }\n${emulator}\nconfig supervised rollout 1`).diagnostics;
    // At the coarse setting.
    expect(d.map((x) => `${x.line}:${x.column} ${x.message}`)).toEqual([`2:${emulator.indexOf('coarse') + 1} the gray_scott solver steps states of 2 channels, but the data's states [1, 32] have 1`]);
    expect(d[0]!.hint).toBe('its data need 2 channels, one per field, such as data gray_scott makes');
  });
});
