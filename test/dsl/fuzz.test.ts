// Random and mutated inputs only ever yield diagnostics, never an uncaught
// exception: the front end must survive whatever a user types.
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { frontend } from '../../src/frontend.js';
import { findSpecs } from '../../src/snapshot.js';

const corpus = findSpecs('specs').map((f) => readFileSync(f, 'utf8'));

/** Every diagnostic points inside the text and says something. */
function wellFormed(source: string): void {
  const { diagnostics } = frontend(source, 'fuzz.tx');
  const lines = source.split('\n').length;
  for (const d of diagnostics) {
    expect(d.message.length).toBeGreaterThan(0);
    expect(d.line).toBeGreaterThanOrEqual(1);
    expect(d.line).toBeLessThanOrEqual(lines + 1);
    expect(d.column).toBeGreaterThanOrEqual(1);
  }
}

const WORDS = ['data', 'emulator', 'reference', 'residuum', 'config', 'train', 'composite', 'every', 'where', 'nondifferentiable',
  'supervised', 'diverted', 'mix', 'rollout', 'branch', 'cut_bptt', 'weights', 'chain', 'conv1d', 'mlp', 'advection1d',
  '{', '}', '[', ']', '(', ')', ',', '=', '*', '-', '+', '/', '->', '0', '1', '-3', '2.5', '1e-2', '"x.npy"', '#', '\n', '$'];

describe('the front end never throws', () => {
  test('on random token soup', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...WORDS), { maxLength: 60 }), (toks) => wellFormed(toks.join(' '))),
      { numRuns: 400 },
    );
  });

  test('on arbitrary text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), (s) => wellFormed(s)), { numRuns: 300 });
  });

  test('on mutated specs: deletions, insertions and swaps of characters', () => {
    const mutation = fc.record({
      spec: fc.nat({ max: corpus.length - 1 }),
      at: fc.nat(),
      len: fc.nat({ max: 12 }),
      insert: fc.string({ maxLength: 8 }),
    });
    fc.assert(
      fc.property(mutation, ({ spec, at, len, insert }) => {
        const src = corpus[spec]!;
        const i = at % (src.length + 1);
        wellFormed(src.slice(0, i) + insert + src.slice(i + len));
      }),
      { numRuns: 600 },
    );
  });

  test('on specs with hostile fragments: huge numbers, deep nesting, long runs', () => {
    const hostile = fc.oneof(
      fc.constantFrom('9007199254740993', '1e308', '1e400', '4294967296', '-1e39', '0.0', 'nmse', 'nmae', '1 *', '* 2'),
      fc.tuple(fc.constantFrom('{ a b ', '[', '(', '-', 'composite { 1 * ', 'u + '), fc.integer({ min: 1, max: 400 })).map(([f, n]) => f.repeat(n)),
    );
    fc.assert(
      fc.property(fc.nat({ max: corpus.length - 1 }), fc.nat(), hostile, (spec, at, insert) => {
        const src = corpus[spec]!;
        const i = at % (src.length + 1);
        wellFormed(src.slice(0, i) + ' ' + insert + ' ' + src.slice(i));
      }),
      { numRuns: 400 },
    );
  });

  test('on specs with tokens dropped or duplicated', () => {
    fc.assert(
      fc.property(fc.nat({ max: corpus.length - 1 }), fc.nat(), fc.boolean(), (spec, at, dup) => {
        const toks = corpus[spec]!.split(/(\s+)/);
        const i = at % toks.length;
        const out = dup ? [...toks.slice(0, i), toks[i]!, ...toks.slice(i)] : [...toks.slice(0, i), ...toks.slice(i + 1)];
        wellFormed(out.join(''));
      }),
      { numRuns: 600 },
    );
  });
});
