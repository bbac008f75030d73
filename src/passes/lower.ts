// Lowering: a checked configuration → the chain graph, the configuration
// unrolled in time. Each kind follows the pseudo-code of
// shared/reference/trainax-semantics.md line by line; values that feed nothing
// (the main chain's last step in a diverted chain, a cut after the last step)
// are not emitted.
//
// Names: %ic, %y<t> the reference state at time level t (t from 1),
// %u<t> the main chain's state at level t, %l<t> its loss, %<x>_sg a cut
// value; a diverted chain's branch leaving at level t is prefixed b<t>., and a
// composite's part i is prefixed c<i>. The same structure is on each node as
// data, its role (ir/role.ts): what drawings read, where names are for people.
import type * as A from '../dsl/ast.js';
import type { Graph, Shape } from '../ir/graph.js';
import { GraphBuilder } from '../ir/graph.js';
import type { CallFn, InputAttrs } from '../ir/op-attrs.js';
import type { ChainRole, Place } from '../ir/role.js';
import { verify } from '../ops/verify.js';

export function lowerConfig(config: A.ConfigDecl, state: Shape): Graph {
  const b = new ChainBuilder(`config ${config.name}: ${config.text}`, state);
  const loss = b.body(config.body, { prefix: '', part: [] });
  return verify(b.finish(loss));
}

/** Where values are made: their names' prefix, and the same as data. */
interface At extends Place {
  readonly prefix: string;
}

function role(kind: ChainRole['kind'], { part, branch }: Place): ChainRole {
  return { kind, part, ...(branch !== undefined && { branch }) };
}

const OUTSIDE: Place = { part: [] };

class ChainBuilder {
  private readonly g: GraphBuilder;
  private readonly inputs = new Map<string, string>();
  private readonly cuts = new Map<string, string>();

  constructor(
    title: string,
    private readonly state: Shape,
  ) {
    this.g = new GraphBuilder(title);
  }

  finish(loss: string): Graph {
    // Inputs first, in time order (ic is snapshot 0), then the computation, as a reader expects.
    const ins = this.g.nodes.flatMap((n) => (n.op === 'input' ? [{ n, t: n.attrs.t ?? 0 }] : [])).sort((a, b) => a.t - b.t);
    const rest = this.g.nodes.filter((n) => n.op !== 'input');
    return { title: this.g.title, nodes: [...ins.map((i) => i.n), ...rest], outputs: [loss] };
  }

  body(c: A.ConfigBody, p: At): string {
    switch (c.kind) {
      case 'supervised':
        return this.supervised(c, p);
      case 'diverted':
        return c.branchOne ? this.divertedBranchOne(c, p) : this.diverted(c, p);
      case 'mix':
        return this.mix(c, p);
      case 'residuum':
        return this.residuum(c, p);
      case 'teacher_forcing':
        return this.teacherForcing(c, p);
      case 'composite': {
        const parts = c.parts.map((part, i) => this.body(part.config, { prefix: `${p.prefix}c${i + 1}.`, part: [...p.part, i + 1] }));
        return this.sum(p, 'loss', c.parts.map((x) => x.weight), parts);
      }
      default:
        return c satisfies never;
    }
  }

  // ── building blocks ───────────────────────────────────────────────────────

  /** Data inputs are shared by every part of a composite. */
  private ic(): string {
    return this.input('ic', { name: 'ic' }, 'state');
  }
  private target(t: number): string {
    return this.input(`y${t}`, { name: 'target', t }, 'reference');
  }
  private input(id: string, attrs: InputAttrs, kind: ChainRole['kind']): string {
    let v = this.inputs.get(id);
    if (!v) this.inputs.set(id, (v = this.g.add(id, 'input', [], this.state, attrs, role(kind, OUTSIDE))));
    return v;
  }
  /** A call's result is a prediction, or a reference state where `kind` says so. */
  private call(at: At, name: string, fn: CallFn, args: string[], kind: ChainRole['kind'] = fn === 'residuum' ? 'residual' : 'prediction'): string {
    return this.g.add(`${at.prefix}${name}`, 'call', args, this.state, { fn }, role(kind, at));
  }
  /** One stop_gradient per value, whichever cut asks for it; it has the value's role. */
  private cut(v: string): string {
    if ([...this.cuts.values()].includes(v)) return v;
    let c = this.cuts.get(v);
    if (!c) this.cuts.set(v, (c = this.g.add(`${v}_sg`, 'stop_gradient', [v], this.state, {}, this.g.roleOf(v))));
    return c;
  }
  private loss(at: At, name: string, kind: A.LossName, args: string[]): string {
    return this.g.add(`${at.prefix}${name}`, 'loss', args, [], { kind }, role('loss', at));
  }
  private sum(at: At, name: string, weights: readonly number[], args: string[]): string {
    return this.g.add(`${at.prefix}${name}`, 'weighted_sum', args, [], { weights: [...weights] }, role('loss', at));
  }
  private cutsAfter(c: { cutBptt: boolean; every: number }, level: number): boolean {
    return c.cutBptt && level % c.every === 0;
  }

  // ── configurations ────────────────────────────────────────────────────────

  private supervised(c: A.Supervised, p: At): string {
    let pred = this.ic();
    const losses: string[] = [];
    for (let t = 1; t <= c.rollout; t++) {
      const u = this.call(p, `u${t}`, 'emulator', [pred]);
      losses.push(this.loss(p, `l${t}`, c.loss, [u, this.target(t)]));
      pred = t < c.rollout && this.cutsAfter(c, t) ? this.cut(u) : u;
    }
    return this.sum(p, 'loss', c.weights, losses);
  }

  private teacherForcing(c: A.TeacherForcing, p: At): string {
    let pred = this.ic();
    const losses: string[] = [];
    for (let t = 1; t <= c.rollout; t++) {
      const u = this.call(p, `u${t}`, 'emulator', [pred]);
      const y = this.target(t);
      losses.push(this.loss(p, `l${t}`, c.loss, [u, y]));
      if (t === c.rollout) break;
      // A reset replaces the prediction by data, which carries no gradient.
      pred = t % c.resetEvery === 0 ? y : this.cutsAfter(c, t) ? this.cut(u) : u;
    }
    return this.sum(p, 'loss', c.weights, losses);
  }

  private mix(c: A.Mix, p: At): string {
    let pred = this.ic();
    const losses: string[] = [];
    c.chain.forEach((step, i) => {
      const t = i + 1;
      const u = this.call(p, `u${t}`, step, [pred]);
      losses.push(this.loss(p, `l${t}`, c.loss, [u, this.target(t)]));
      // Only emulator steps are cut: Trainax never cuts the physics part.
      pred = t < c.rollout && step === 'emulator' && this.cutsAfter(c, t) ? this.cut(u) : u;
    });
    return this.sum(p, 'loss', c.weights, losses);
  }

  private diverted(c: A.Diverted, p: At): string {
    const R = c.rollout;
    const B = c.branch;
    let main = this.ic();
    const branchLosses: string[] = [];
    const weights: number[] = [];
    for (let t = 0; t <= R - B; t++) {
      // The main chain's next step comes first: it is the branch's first
      // emulator step too, and the simplifier keeps the first of the two.
      const next = t < R - B ? this.call(p, `u${t + 1}`, 'emulator', [main]) : undefined;
      const bp: At = { prefix: `${p.prefix}b${t}.`, part: p.part, branch: t };
      let pred = main;
      let ref = c.cutDivChain ? this.cut(main) : main;
      const losses: string[] = [];
      for (let k = 1; k <= B; k++) {
        const level = t + k;
        pred = this.call(bp, `u${level}`, 'emulator', [pred]);
        ref = this.call(bp, `r${level}`, 'reference', [ref], 'reference');
        losses.push(this.loss(bp, `l${level}`, c.loss, [pred, ref]));
        if (k < B && this.cutsAfter(c, level)) pred = this.cut(pred);
      }
      if (B === 1) {
        branchLosses.push(losses[0]!);
        weights.push(c.weights[t]! * c.branchWeights[0]!);
      } else {
        branchLosses.push(this.sum(bp, 'loss', c.branchWeights, losses));
        weights.push(c.weights[t]!);
      }
      if (next) main = this.cutsAfter(c, t + 1) ? this.cut(next) : next;
    }
    return this.sum(p, 'loss', weights, branchLosses);
  }

  /** Trainax's DivertedChainBranchOne: the reference steps off the main chain. */
  private divertedBranchOne(c: A.Diverted, p: At): string {
    let main = this.ic();
    const losses: string[] = [];
    for (let t = 1; t <= c.rollout; t++) {
      const r = this.call(p, `r${t}`, 'reference', [main], 'reference');
      const u = this.call(p, `u${t}`, 'emulator', [main]);
      losses.push(this.loss(p, `l${t}`, c.loss, [u, c.cutDivChain ? this.cut(r) : r]));
      main = t < c.rollout && this.cutsAfter(c, t) ? this.cut(u) : u;
    }
    return this.sum(p, 'loss', c.weights, losses);
  }

  private residuum(c: A.Residuum, p: At): string {
    let prev = this.ic();
    const losses: string[] = [];
    for (let t = 1; t <= c.rollout; t++) {
      const next = this.call(p, `u${t}`, 'emulator', [prev]);
      const args = [c.cutNext ? this.cut(next) : next, c.cutPrev ? this.cut(prev) : prev];
      const r = this.call(p, `r${t}`, 'residuum', args);
      losses.push(this.loss(p, `l${t}`, c.loss, [r]));
      prev = t < c.rollout && this.cutsAfter(c, t) ? this.cut(next) : next;
    }
    return this.sum(p, 'loss', c.weights, losses);
  }
}
