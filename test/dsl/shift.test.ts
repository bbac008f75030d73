// shift along any spatial axis in expressions: what parses, the IR it
// lowers to, and each diagnostic on its exact message, position and hint.
import { describe, expect, test } from 'vitest';
import { frontend } from '../../src/frontend.js';
import { runPasses } from '../../src/passes/pipeline.js';
import { printGraph } from '../../src/ir/print.js';

const D2 = 'data advection { dims 2  points 6  trajectories 2  snapshots 4  modes 2 }';
const D1 = 'data advection1d { points 8  trajectories 2  snapshots 4  modes 2 }';
const LORENZ = 'data lorenz63 { trajectories 2  snapshots 4  warmup 10 }';
const EMU = 'emulator mlp { width 4  depth 1 }';

/** A spec whose reference is `f(u) = body`, run in a mix chain. */
function spec(body: string, data = D2): string {
  return `${data}\n${EMU}\nreference f(u) = ${body}\nconfig mix chain [reference 1]\n`;
}

function diags(body: string, data = D2) {
  return frontend(spec(body, data), 'spec.tx').diagnostics.map((d) => ({ at: `${d.line}:${d.column}+${d.length}`, message: d.message, hint: d.hint }));
}

/** The shift ops of the reference after inlining, as the IR prints them. */
function shifts(body: string, data = D2): string[] {
  const fe = frontend(spec(body, data), 'spec.tx');
  expect(fe.diagnostics).toEqual([]);
  const inlined = runPasses(fe.programs[0]!.graph, fe.spec).find((s) => s.pass === 'inline')!.graph;
  return printGraph(inlined)
    .split('\n')
    .filter((l) => l.includes('= shift'))
    .map((l) => l.replace(/^%\S+\s+= /, '').replace(/\s+f32.*$/, ''));
}

describe('shift along an axis lowers to one roll per axis moved', () => {
  test('in 2-D, shift(u, 1), shift(u, 1, axis 1) and shift(u, [0, 1]) are one roll along the last axis', () => {
    for (const body of ['shift(u, 1)', 'shift(u, 1, axis 1)', 'shift(u, [0, 1])']) expect(shifts(body)).toEqual(['shift {k: 1}(%ic)']);
  });
  test('axis 0 is the first spatial axis, the state [B, C, x, y]\'s axis 2', () => {
    expect(shifts('shift(u, -2, axis 0)')).toEqual(['shift {k: -2, axis: 2}(%ic)']);
  });
  test('a list composes its nonzero offsets in axis order; all zeros are the state itself', () => {
    expect(shifts('shift(u, [1, 2])')).toEqual(['shift {k: 1, axis: 2}(%ic)', 'shift {k: 2}(%u1.shift0)']);
    expect(shifts('u + shift(u, [0, 0])')).toEqual([]);
  });
  test('offsets fold where constants; in 1-D a list has one entry', () => {
    expect(shifts('shift(u, [k, -k]) where k = 2')).toEqual(['shift {k: 2, axis: 2}(%ic)', 'shift {k: -2}(%u1.shift0)']);
    expect(shifts('shift(u, [3])', D1)).toEqual(['shift {k: 3}(%ic)']);
  });
  test('on Lorenz-63 states, shift(u, k) still rolls the three components', () => {
    expect(shifts('shift(u, 1)', LORENZ)).toEqual(['shift {k: 1}(%ic)']);
  });
});

describe('diagnostics', () => {
  test('an axis past the last names the rank and the range', () => {
    expect(diags('shift(u, 1, axis 2)')).toEqual([
      { at: '3:35+1', message: "axis 2 is out of range: the data's states [1, 6, 6] have 2 spatial axes", hint: 'spatial axes count from 0: axis 0 to axis 1' },
    ]);
    expect(diags('shift(u, 1, axis 1)', D1)).toEqual([
      { at: '3:35+1', message: "axis 1 is out of range: the data's states [1, 8] have 1 spatial axis", hint: 'spatial axes count from 0: axis 0' },
    ]);
  });
  test('a negative axis says that axes do not count from the end', () => {
    expect(diags('shift(u, 1, axis -1)')).toEqual([
      {
        at: '3:35+2',
        message: "axis -1 is out of range: the data's states [1, 6, 6] have 2 spatial axes",
        hint: 'spatial axes count from 0: axis 0 to axis 1; they do not count from the end: write axis 1',
      },
    ]);
  });
  test('a list of the wrong length', () => {
    expect(diags('u - shift(u, [1, 0, 0])')).toEqual([
      { at: '3:31+9', message: "this list has 3 offsets, but the data's states [1, 6, 6] have 2 spatial axes", hint: 'give one offset per axis, e.g. shift(u, [0, 1])' },
    ]);
  });
  test('states without space take no axis and no list', () => {
    expect(diags('shift(u, [1])', LORENZ)).toEqual([
      { at: '3:27+3', message: "the data's states [3] have no spatial axis to shift along", hint: 'shift(u, k) without an axis rolls their last axis' },
    ]);
  });
  test('offsets and axes are whole numbers', () => {
    expect(diags('shift(u, [0.5, 1])')).toEqual([{ at: '3:28+3', message: 'shift moves by whole cells, got 0.5', hint: 'e.g. shift(u, 1) or shift(u, -1)' }]);
    expect(diags('shift(u, [2 * k, 1]) where k = 0.25')[0]).toMatchObject({ at: '3:28+5', message: 'shift moves by whole cells, got 0.5' });
    expect(diags('shift(u, 1, axis 0.5)')).toEqual([
      { at: '3:35+3', message: 'axis 0.5 is not an axis: axes are whole numbers', hint: 'spatial axes count from 0, e.g. shift(u, 1, axis 0)' },
    ]);
  });
  test('an offset is a number, not a state', () => {
    expect(diags('shift(u, [u, 1])')).toEqual([
      { at: '3:28+1', message: "'u' is a state, not a number", hint: "a shift's offset is a whole number of cells: numbers and 'where' constants, not states" },
    ]);
  });
  test('a list and an axis together, a second axis, an unknown argument', () => {
    expect(diags('shift(u, [1, 1], axis 0)')).toEqual([
      { at: '3:35+4', message: 'a list of offsets already gives every axis its offset', hint: 'write shift(u, [0, 1]) or shift(u, 1, axis 0), not both' },
    ]);
    expect(diags('shift(u, 1, axis 0, axis 1)')[0]).toMatchObject({ at: '3:38+4', message: 'a second axis' });
    expect(diags('shift(u, 1, axes 1)')).toEqual([{ at: '3:30+4', message: "shift has no argument 'axes'", hint: "did you mean 'axis'?; e.g. shift(u, 1, axis 0)" }]);
  });
  test('lists are shift offsets only', () => {
    expect(diags('shift([1, 1], u)')[0]).toMatchObject({ at: '3:24+6', message: 'shift rolls a state by offsets: the state comes first, the list of offsets second' });
    expect(diags('tanh([1])')).toEqual([{ at: '3:23+3', message: "'tanh' takes no list", hint: "lists are a shift's offsets, one per spatial axis: shift(u, [0, 1])" }]);
    expect(diags('tanh(u, axis 1)')[0]).toMatchObject({ message: "'tanh' takes no argument 'axis'" });
    expect(diags('shift(u, [])')[0]).toMatchObject({ message: 'an empty list of offsets' });
    expect(diags('u + [1]')[0]).toMatchObject({ at: '3:22+1', message: "expected an expression but found '['" });
  });
});
