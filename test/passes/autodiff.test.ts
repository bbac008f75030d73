import { describe, expect, it } from 'vitest';
import type { Graph } from '../../src/ir/graph.js';
import { GraphBuilder } from '../../src/ir/graph.js';
import { verify } from '../../src/ops/verify.js';
import type { Tensor } from '../../src/ops/op.js';
import { differentiate } from '../../src/passes/autodiff.js';
import { evaluate } from '../../src/runtime/interpreter.js';
import { centralDifference, random, relError, rng, tensor } from '../ops/helpers.js';

const S = ['B', 2, 8] as const;

/** Gradients of `dg` (outputs [loss, ...grads]) at `feeds`, by output position. */
function grads(dg: Graph, feeds: Map<string, Tensor>): Tensor[] {
  const v = evaluate(dg, feeds);
  return dg.outputs.slice(1).map((o) => v.get(o)!);
}

function ops(g: Graph): string[] {
  return g.nodes.map((n) => `${n.id} = ${n.op}(${n.inputs.join(', ')})`);
}

describe('differentiate', () => {
  // x -> conv(w) -> tanh -> conv(w) -> mse vs t: w is read twice.
  function sharedWeight() {
    const b = new GraphBuilder('shared');
    const x = b.add('x', 'input', [], S);
    const w = b.add('w', 'input', [], [2, 2, 3], { param: 'w' });
    const t = b.add('t', 'input', [], S);
    const h = b.add('h', 'conv', [x, w], S, { padding: 'circular' });
    const a = b.add('a', 'tanh', [h], S);
    const y = b.add('y', 'conv', [a, w], S, { padding: 'circular' });
    b.add('loss', 'loss', [y, t], [], { kind: 'mse' });
    return verify(b.build(['loss']));
  }

  it('matches finite differences through a shared parameter, summing its cotangents', () => {
    const g = sharedWeight();
    const dg = verify(differentiate(g, 'loss', ['w', 'x']));
    expect(dg.outputs).toEqual(['loss', 'grad.w', 'grad.x']);
    // Two uses of w: two conv_w contributions and one add.
    const gw = dg.nodes.find((n) => n.id === 'grad.w')!;
    expect(gw.op).toBe('add');
    expect(gw.inputs.map((i) => dg.nodes.find((n) => n.id === i)!.op)).toEqual(['conv_w', 'conv_w']);

    const next = rng(7);
    const feeds = new Map([
      ['x', random([3, 2, 8], next)],
      ['w', random([2, 2, 3], next)],
      ['t', random([3, 2, 8], next)],
    ]);
    const [dw, dx] = grads(dg, feeds);
    expect(relError(dw!.data, centralDifference(g, 'loss', feeds, 'w'))).toBeLessThan(1e-6);
    expect(relError(dx!.data, centralDifference(g, 'loss', feeds, 'x'))).toBeLessThan(1e-6);
  });

  describe('stop_gradient', () => {
    // y1 = conv(x, w); y2 = conv(cut ? sg(y1) : y1, w); L = mse(y1, t1) + 0.5 mse(y2, t2).
    function twoSteps(cut: boolean) {
      const b = new GraphBuilder('two steps');
      const x = b.add('x', 'input', [], S);
      const w = b.add('w', 'input', [], [2, 2, 2]);
      const t1 = b.add('t1', 'input', [], S);
      const t2 = b.add('t2', 'input', [], S);
      const y1 = b.add('y1', 'conv', [x, w], S, { padding: 'zero' });
      const l1 = b.add('l1', 'loss', [y1, t1], [], { kind: 'mse' });
      const c = cut ? b.add('c', 'stop_gradient', [y1], S) : y1;
      const y2 = b.add('y2', 'conv', [c, w], S, { padding: 'zero' });
      const l2 = b.add('l2', 'loss', [y2, t2], [], { kind: 'mse' });
      b.add('L', 'weighted_sum', [l1, l2], [], { weights: [1, 0.5] });
      return verify(b.build(['L']));
    }

    /**
     * d/dw of weight * mse(conv(inp, w), t), written out by hand for zero
     * padding and K = 2 (no left pad): 2 weight / (B n) sum_{b,i} e[b,o,i] inp[b,c,i+k]
     * with e = conv(inp, w) - t and n = C*N entries per sample.
     */
    function handGradient(inp: Tensor, e: Tensor, weight: number): number[] {
      const [B, C, N] = inp.shape as [number, number, number];
      const out: number[] = [];
      for (let o = 0; o < 2; o++)
        for (let c = 0; c < C; c++)
          for (let k = 0; k < 2; k++) {
            let s = 0;
            for (let b = 0; b < B; b++)
              for (let i = 0; i + k < N; i++) s += e.data[(b * 2 + o) * N + i]! * inp.data[(b * C + c) * N + i + k]!;
            out.push((2 * weight * s) / (B * 2 * N));
          }
      return out;
    }

    const next = rng(11);
    const feeds = new Map([
      ['x', random([2, 2, 8], next)],
      ['w', random([2, 2, 2], next)],
      ['t1', random([2, 2, 8], next)],
      ['t2', random([2, 2, 8], next)],
    ]);
    const minus = (a: Tensor, b: Tensor) => tensor(a.shape, a.data.map((v, i) => v - b.data[i]!));

    it('cuts exactly the path through the cut value', () => {
      const g = twoSteps(true);
      const [dw] = grads(verify(differentiate(g, 'L', ['w'])), feeds);
      const v = evaluate(g, feeds);
      // The second step sees y1 as a constant input: no term through y1's dependence on w.
      const first = handGradient(feeds.get('x')!, minus(v.get('y1')!, feeds.get('t1')!), 1);
      const second = handGradient(v.get('y1')!, minus(v.get('y2')!, feeds.get('t2')!), 0.5);
      const expected = first.map((f, i) => f + second[i]!);
      expect(relError(dw!.data, expected)).toBeLessThan(1e-12);
    });

    it('without the cut, the extra path changes the gradient, which matches finite differences', () => {
      const g = twoSteps(false);
      const [dw] = grads(verify(differentiate(g, 'L', ['w'])), feeds);
      const [cutDw] = grads(verify(differentiate(twoSteps(true), 'L', ['w'])), feeds);
      expect(relError(dw!.data, centralDifference(g, 'L', feeds, 'w'))).toBeLessThan(1e-6);
      expect(relError(dw!.data, cutDw!.data)).toBeGreaterThan(1e-3);
    });

    it('a parameter reached only through a cut gets an explicit zero gradient', () => {
      const b = new GraphBuilder('all cut');
      const x = b.add('x', 'input', [], S);
      const c = b.add('c', 'stop_gradient', [x], S);
      b.add('l', 'loss', [c], [], { kind: 'mse' });
      const dg = verify(differentiate(b.build(['l']), 'l', ['x']));
      expect(ops(dg)).toEqual(['x = input()', 'c = stop_gradient(x)', 'l = loss(c)', 'grad.x = const()']);
      expect(dg.nodes[3]).toMatchObject({ shape: S, attrs: { value: 0 } });
    });
  });

  it('builds no backward for values that cannot reach the loss or do not depend on a parameter', () => {
    const b = new GraphBuilder('pruning');
    const x = b.add('x', 'input', [], ['B', 1, 6]);
    const w = b.add('w', 'input', [], [1, 1, 2]);
    const t = b.add('t', 'input', [], ['B', 1, 6]);
    const dead = b.add('dead', 'tanh', [w], [1, 1, 2]);
    const tt = b.add('tt', 'tanh', [t], ['B', 1, 6]);
    const y = b.add('y', 'conv', [x, w], ['B', 1, 6], { padding: 'circular' });
    b.add('l', 'loss', [y, tt], [], { kind: 'mse' });
    const g = verify(b.build(['l', dead]));

    const dg = verify(differentiate(g, 'l', ['w']));
    // Forward: dead is gone; tt stays (the loss reads it) but gets no cotangent,
    // and neither does x (no conv_t). Backward: the seed, the mse rule's five
    // nodes (c/B, a - b, c/B spread over the sample, 2/n scale, product) and one conv_w.
    expect(ops(dg)).toEqual([
      'x = input()',
      'w = input()',
      't = input()',
      'tt = tanh(t)',
      'y = conv(x, w)',
      'l = loss(y, tt)',
      'd.l = const()',
      'd.l.batch = broadcast(d.l)',
      'd.l.diff = sub(y, tt)',
      'd.l.cb = broadcast(d.l.batch)',
      'd.l.dp = scale(d.l.diff)',
      'd.y = mul(d.l.cb, d.l.dp)',
      'grad.w = conv_w(d.y, x)',
    ]);
    expect(dg.outputs).toEqual(['l', 'grad.w']);
  });

  it('names cotangents after their values and intermediates after the node whose rule made them', () => {
    const b = new GraphBuilder('names');
    const w = b.add('w', 'input', [], [3]);
    const y = b.add('y', 'tanh', [w], [3]);
    b.add('L', 'sum', [y], []);
    const dg = verify(differentiate(b.build(['L']), 'L', ['w']));
    expect(ops(dg)).toEqual([
      'w = input()',
      'y = tanh(w)',
      'L = sum(y)',
      'd.L = const()',
      'd.y = broadcast(d.L)',
      'd.y.y2 = square(y)',
      'd.y.cy2 = mul(d.y, d.y.y2)',
      'grad.w = sub(d.y, d.y.cy2)',
    ]);
    expect(dg.nodes[3]).toMatchObject({ shape: [], attrs: { value: 1 } });
  });

  it('gives the target of a loss its cotangent: a reference chain can carry gradient', () => {
    // pred = conv(ic, w), ref = tanh(shift(ic)): nmse(pred, ref) depends on ic through both.
    const b = new GraphBuilder('target');
    const ic = b.add('ic', 'input', [], S);
    const w = b.add('w', 'input', [], [2, 2, 3]);
    const pred = b.add('pred', 'conv', [ic, w], S, { padding: 'zero' });
    const ref = b.add('ref', 'tanh', [b.add('s', 'shift', [ic], S, { k: 1 })], S);
    b.add('l', 'loss', [pred, ref], [], { kind: 'nmse' });
    const g = verify(b.build(['l']));
    const dg = verify(differentiate(g, 'l', ['ic']));
    expect(dg.nodes.some((n) => n.id === 'd.ref')).toBe(true);
    const next = rng(5);
    const feeds = new Map([
      ['ic', random([2, 2, 8], next)],
      ['w', random([2, 2, 3], next)],
    ]);
    const [dic] = grads(dg, feeds);
    expect(relError(dic!.data, centralDifference(g, 'l', feeds, 'ic'))).toBeLessThan(1e-6);
  });

  it('two values with one cotangent share one gradient node', () => {
    const b = new GraphBuilder('shared cotangent');
    const u = b.add('u', 'input', [], [2]);
    const v = b.add('v', 'input', [], [2]);
    b.add('L', 'sum', [b.add('y', 'add', [u, v], [2])], []);
    const dg = verify(differentiate(b.build(['L']), 'L', ['u', 'v']));
    expect(dg.outputs).toEqual(['L', 'grad.u', 'grad.u']);
  });

  it('complains about a non-scalar loss, an unknown value, an op without a VJP', () => {
    const b = new GraphBuilder('errors');
    const ic = b.add('ic', 'input', [], S);
    const u = b.add('u1', 'call', [ic], S, { fn: 'emulator' });
    b.add('l', 'loss', [u], [], { kind: 'mse' });
    const g = b.build(['l']);
    expect(() => differentiate(g, 'u1', ['ic'])).toThrow('differentiate: loss %u1 is f32[B,2,8], not a scalar');
    expect(() => differentiate(g, 'l', ['w'])).toThrow('differentiate: no value %w to differentiate with respect to');
    expect(() => differentiate(g, 'l', ['ic'])).toThrow('differentiate: %u1 = call has no VJP rule');
  });
});
