import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../src/ir/graph.js';
import { verify } from '../../src/ops/verify.js';
import { evaluate } from '../../src/runtime/interpreter.js';
import { expectTensor, tensor } from '../ops/helpers.js';

/** u [B, 1, 4] -> upwind step u - 0.5 (u - shift(u, 1)) -> mse against y. */
function upwind() {
  const b = new GraphBuilder('upwind');
  const u = b.add('u', 'input', [], ['B', 1, 4]);
  const y = b.add('y', 'input', [], ['B', 1, 4]);
  const s = b.add('s', 'shift', [u], ['B', 1, 4], { k: 1 });
  const d = b.add('d', 'sub', [u, s], ['B', 1, 4]);
  const next = b.add('next', 'sub', [u, b.add('cd', 'scale', [d], ['B', 1, 4], { c: 0.5 })], ['B', 1, 4]);
  const l = b.add('l', 'loss', [next, y], [], { kind: 'mse' });
  return verify(b.build([l]));
}

describe('evaluate', () => {
  it('runs every node in order, binding B from the feeds', () => {
    // u = [1,2,3,4], [0,0,0,4]: shift -> [4,1,2,3], [4,0,0,0]; the step is the mean
    // of neighbours: [2.5,1.5,2.5,3.5], [2,0,0,2]; against y = 0 the mse is
    // (6.25+2.25+6.25+12.25)/4 = 6.75 and (4+4)/4 = 2, batch mean 4.375.
    const v = evaluate(upwind(), { u: tensor([2, 1, 4], [1, 2, 3, 4, 0, 0, 0, 4]), y: tensor([2, 1, 4]) });
    expectTensor(v.get('next')!, [2, 1, 4], [2.5, 1.5, 2.5, 3.5, 2, 0, 0, 2]);
    expectTensor(v.get('l')!, [], [4.375]);
  });

  it('takes a Map as well as a record', () => {
    const feeds = new Map([
      ['u', tensor([1, 1, 4], [1, 1, 1, 1])],
      ['y', tensor([1, 1, 4], [1, 1, 1, 1])],
    ]);
    expectTensor(evaluate(upwind(), feeds).get('l')!, [], [0]);
  });

  it('rejects feeds that disagree on B', () => {
    expect(() => evaluate(upwind(), { u: tensor([2, 1, 4]), y: tensor([3, 1, 4]) })).toThrow(
      'batch size disagrees: %u has B = 2, %y has B = 3',
    );
  });

  it('rejects a fed value of the wrong shape', () => {
    expect(() => evaluate(upwind(), { u: tensor([2, 1, 5]), y: tensor([2, 1, 4]) })).toThrow(
      '%u is f32[B,1,4], but its fed value is [2,1,5]',
    );
  });

  it('names a missing feed', () => {
    expect(() => evaluate(upwind(), { u: tensor([2, 1, 4]) })).toThrow('no value fed for %y (input f32[B,1,4])');
  });

  it('refuses to overwrite a computed value', () => {
    expect(() => evaluate(upwind(), { u: tensor([1, 1, 4]), y: tensor([1, 1, 4]), d: tensor([1, 1, 4]) })).toThrow(
      '%d is computed by sub; it cannot be fed',
    );
  });

  it('refuses calls: they must be inlined first', () => {
    const b = new GraphBuilder('chain');
    const ic = b.add('ic', 'input', [], ['B', 1, 4]);
    b.add('u1', 'call', [ic], ['B', 1, 4], { fn: 'emulator' });
    expect(() => evaluate(b.build(['u1']), { ic: tensor([1, 1, 4]) })).toThrow(
      '%u1 = call has no CPU evaluation: it must be inlined first',
    );
  });

  it('needs B bound when a batched value is computed without batched feeds', () => {
    const b = new GraphBuilder('zeros');
    b.add('z', 'const', [], ['B', 2], { value: 0 });
    expect(() => evaluate(b.build(['z']), {})).toThrow('%z has a batch axis, but no fed value binds B');
  });
});
