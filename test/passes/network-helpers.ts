// Networks for tests that build them without a whole spec: a block as the
// checker gives it, and mse(net(x), t) inlined on a field as the inliner
// does, its parameters graph inputs named as in a parameter file.
import { expect } from 'vitest';
import type * as A from '../../src/dsl/ast.js';
import { parseSpec } from '../../src/dsl/index.js';
import type { Dim, Graph } from '../../src/ir/graph.js';
import { GraphBuilder } from '../../src/ir/graph.js';
import { verify } from '../../src/ops/verify.js';
import { Emit } from '../../src/passes/inline/emit.js';
import { emitNetwork } from '../../src/passes/inline/network.js';

/** `network('resnet { width 4 blocks 1 }')`. */
export function network(text: string): A.Network {
  const { spec, diagnostics } = parseSpec(`data advection1d { points 64 }\nemulator ${text}\nconfig supervised rollout 1\n`, 'n.tx');
  expect(diagnostics).toEqual([]);
  return spec.emulator as A.Network;
}

/** The graph of the loss `loss` = mse(net(x), t) on x of shape [batch, 1, ...N]; the ids of x and of the parameters. */
export function networkLoss(net: A.Network, batch: Dim, N: readonly number[]): { g: Graph; x: string; params: string[] } {
  const b = new GraphBuilder('net');
  const x = b.add('x', 'input', [], [batch, 1, ...N]);
  const params: string[] = [];
  const y = emitNetwork(new Emit(b, 'f.'), net, x, (name, shape) => {
    params.push(b.add(name, 'input', [], shape));
    return params.at(-1)!;
  });
  expect(b.shapeOf(y)).toEqual([batch, 1, ...N]);
  b.add('loss', 'loss', [y, b.add('t', 'input', [], b.shapeOf(y))], [], { kind: 'mse' });
  return { g: verify(b.build(['loss'])), x, params };
}
