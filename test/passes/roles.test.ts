// Roles (src/ir/role.ts) are data the passes must carry: drawings place chain
// values by them, the kernel schedule finds the backward's seed and the CPU
// oracle a gradient's parameter by them. Checked on every spec after every
// pass, against what the names say, which lower.ts and autodiff.ts choose to
// agree with them.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { frontend } from '../../src/frontend.js';
import type { Graph, Node } from '../../src/ir/graph.js';
import { nodeMap } from '../../src/ir/graph.js';
import { runPasses } from '../../src/passes/pipeline.js';
import { findSpecs } from '../../src/snapshot.js';

const specs = [...findSpecs('specs'), ...findSpecs('bench/specs')];

/** What lower.ts's names say of a chain value: its composite part, branch and role. */
function fromName(n: Node): { part: number[]; branch?: number; kind: string } {
  const [, parts = '', branch, local = ''] = /^((?:c\d+\.)*)(?:b(\d+)\.)?(.*)$/.exec(n.id)!;
  const part = [...parts.matchAll(/c(\d+)\./g)].map((m) => Number(m[1]));
  const at = { part, ...(branch !== undefined && { branch: Number(branch) }) };
  if (n.op === 'input') return { ...at, kind: n.attrs.name === 'ic' ? 'state' : 'reference' };
  if (n.op === 'loss' || n.op === 'weighted_sum') return { ...at, kind: 'loss' };
  if (n.op === 'call' && n.attrs.fn === 'residuum') return { ...at, kind: 'residual' };
  // A reference call off the main chain: named r<t> (a mix's reference steps are u<t>).
  return { ...at, kind: n.op === 'call' && /^r\d+$/.test(local) ? 'reference' : 'prediction' };
}

function expectChainRoles(g: Graph): void {
  const byId = nodeMap(g);
  for (const n of g.nodes) {
    // A cut has the role of the value it cuts.
    const want = n.op === 'stop_gradient' ? byId.get(n.inputs[0]!)!.role : fromName(n);
    expect(n.role, `%${n.id}`).toEqual(want);
  }
}

describe('roles', () => {
  test.each(specs)('%s: made by lowering, carried by every pass', (file) => {
    const fe = frontend(readFileSync(file, 'utf8'), file);
    for (const p of fe.programs) {
      const stages = runPasses(p.graph, fe.spec);
      expectChainRoles(stages[0]!.graph);
      const chain = nodeMap(stages[0]!.graph);
      for (const s of stages.slice(1)) {
        for (const n of s.graph.nodes) {
          // A chain value keeps its role (CSE: the one that keeps its name); an inlined call's result keeps the call's.
          const before = chain.get(n.id);
          if (before) expect(n.role, `${s.pass}: %${n.id}`).toEqual(before.role);
          if (n.op === 'input' && n.attrs.param !== undefined) expect(n.role).toEqual({ kind: 'parameter' });
        }
      }
      const final = stages.at(-1)!.graph;
      const byId = nodeMap(final);
      const [loss, ...grads] = final.outputs;
      for (const id of grads) expect(byId.get(id)!.role).toEqual({ kind: 'cotangent', of: id.replace(/^grad\./, '') });
      expect(final.nodes.filter((n) => n.role?.kind === 'cotangent' && n.role.of === loss).map((n) => n.id)).toEqual([`d.${loss}`]);
    }
  });
});
