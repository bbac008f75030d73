// The verifier runs on every graph the compiler builds; here it is shown to
// reject each kind of broken graph, and to accept every lowered spec.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { frontend } from '../../src/frontend.js';
import type { Graph, Node } from '../../src/ir/graph.js';
import { printGraph } from '../../src/ir/print.js';
import { verify } from '../../src/ops/verify.js';
import { runPasses } from '../../src/passes/pipeline.js';
import { findSpecs } from '../../src/snapshot.js';

const S = ['B', 1, 8] as const;
// Broken graphs, so nodes from parts the types would reject (an unknown op).
const node = (id: string, op: string, inputs: string[], shape: readonly (number | 'B')[], attrs = {}): Node => ({ id, op, inputs, shape, attrs }) as Node;
const graph = (...nodes: Node[]): Graph => ({ title: 't', nodes, outputs: [nodes.at(-1)!.id] });

describe('verify rejects', () => {
  test('a use before the definition', () => {
    expect(() => verify(graph(node('u', 'call', ['ic'], S, { fn: 'emulator' }), node('ic', 'input', [], S, { name: 'ic' })))).toThrow(
      '%u = call: uses %ic before its definition',
    );
  });
  test('a second definition', () => {
    expect(() => verify(graph(node('ic', 'input', [], S), node('ic', 'input', [], S)))).toThrow('%ic is defined twice');
  });
  test('a shape that disagrees with its op', () => {
    expect(() => verify(graph(node('ic', 'input', [], S), node('u', 'call', ['ic'], ['B', 1, 9], { fn: 'emulator' })))).toThrow(
      '%u = call: shape f32[B,1,9], but its inputs give f32[B,1,8]',
    );
  });
  test('operands of different shapes', () => {
    expect(() => verify(graph(node('a', 'input', [], S), node('b', 'input', [], ['B', 1, 9]), node('l', 'loss', ['a', 'b'], [], { kind: 'mse' })))).toThrow(
      'loss operands differ',
    );
  });
  test('weights that do not match the terms', () => {
    expect(() => verify(graph(node('l', 'input', [], []), node('s', 'weighted_sum', ['l'], [], { weights: [1, 2] })))).toThrow(
      'weighted_sum has 1 inputs but 2 weights',
    );
  });
  test('an unknown op and an undefined output', () => {
    expect(() => verify(graph(node('x', 'frobnicate', [], S)))).toThrow('unknown op');
    expect(() => verify({ title: 't', nodes: [node('ic', 'input', [], S)], outputs: ['loss'] })).toThrow('output %loss is not defined');
  });
});

describe('verify accepts every graph the compiler builds', () => {
  test.each(findSpecs('specs'))('%s, after every pass', (file) => {
    const fe = frontend(readFileSync(file, 'utf8'), file);
    expect(fe.programs.length).toBeGreaterThan(0);
    for (const p of fe.programs) for (const s of runPasses(p.graph, fe.spec)) expect(verify(s.graph)).toBe(s.graph);
  });
});

describe('printing', () => {
  test('a graph too large to spread into Math.max still prints', () => {
    const nodes = Array.from({ length: 200_000 }, (_, i): Node => ({ id: `v${i}`, op: 'input', inputs: [], attrs: { name: 'ic' }, shape: [1] }));
    const text = printGraph({ title: 'big', nodes, outputs: ['v0'] });
    expect(text.split('\n')[1]).toBe('%v0      = input ic  f32[1]');
  });
});
