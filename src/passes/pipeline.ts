// The compiler's passes, top to bottom, each with the reason it exists. Every
// stage's graph is kept so `tx ir --after PASS` can print any of them.
import type * as A from '../dsl/ast.js';
import type { Graph } from '../ir/graph.js';
import type { CallFn } from '../ir/op-attrs.js';
import { differentiate } from './autodiff.js';
import { emulatorParams, inline } from './inline.js';
import { simplify } from './simplify.js';

export interface Pass {
  name: string;
  why: string;
  run(g: Graph, spec: A.Spec): Graph;
}

export const PASSES: readonly Pass[] = [
  {
    name: 'simplify-chain',
    why: "each emulator step once (a diverted branch's first step is the main chain's next), no zero-weight losses, no dead values",
    run: (g) => simplify(g),
  },
  {
    name: 'inline',
    why: 'calls become primitive tensor ops; parameters are inputs shared by every emulator call',
    run: (g, spec) => inline(g, spec),
  },
  {
    name: 'autodiff',
    why: 'reverse mode; only values between a parameter and the loss get a cotangent (the gradient cut)',
    run: (g, spec) => {
      const state = g.nodes.find((n) => n.op === 'input' && n.attrs.name === 'ic')!.shape;
      const wrt = emulatorParams(spec, state.slice(1) as number[]).map((p) => p.name);
      return differentiate(g, g.outputs[0]!, wrt);
    },
  },
  {
    name: 'simplify',
    why: 'CSE and DCE over the forward and backward together',
    run: (g) => simplify(g),
  },
];

export const STAGE_NAMES = ['lower', ...PASSES.map((p) => p.name)] as const;

export interface Stage {
  pass: string;
  graph: Graph;
}

/** Runs every pass from the lowered chain graph; stage 0 is `lower`. */
export function runPasses(chain: Graph, spec: A.Spec, until?: string): Stage[] {
  const stages: Stage[] = [{ pass: 'lower', graph: chain }];
  if (until === 'lower') return stages;
  for (const p of PASSES) {
    stages.push({ pass: p.name, graph: p.run(stages.at(-1)!.graph, spec) });
    if (p.name === until) break;
  }
  return stages;
}

export type CallStats = Record<CallFn, number>;

/** Calls per training step in a chain graph. */
export function callStats(g: Graph): CallStats {
  const s: CallStats = { emulator: 0, reference: 0, residuum: 0 };
  for (const n of g.nodes) if (n.op === 'call') s[n.attrs.fn]++;
  return s;
}

/** Primitive op counts, for --stats after the chain is inlined. */
export function opStats(g: Graph): Record<string, number> {
  const s: Record<string, number> = {};
  for (const n of g.nodes) s[n.op] = (s[n.op] ?? 0) + 1;
  return Object.fromEntries(Object.entries(s).sort(([a], [b]) => a.localeCompare(b)));
}
