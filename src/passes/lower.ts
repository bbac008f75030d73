// Lowering: a checked configuration → the chain graph, the configuration
// unrolled in time. Each kind follows the pseudo-code of
// shared/reference/trainax-semantics.md line by line; values that feed nothing
// (the main chain's last step in a diverted chain, a cut after the last step)
// are not emitted.
//
// Names: %ic, %y<t> the reference state at time level t (t from 1),
// %u<t> the main chain's state at level t, %l<t> its loss, %<x>_sg a cut
// value; a diverted chain's branch leaving at level t is prefixed b<t>., and a
// composite's part i is prefixed c<i>.
import type * as A from '../dsl/ast.js';
import type { Graph, Shape } from '../ir/graph.js';
import { GraphBuilder } from '../ir/graph.js';
import { verify } from '../ops/verify.js';

export function lowerConfig(config: A.ConfigDecl, state: Shape): Graph {
  const b = new ChainBuilder(`config ${config.name}: ${config.text}`, state);
  const loss = b.body(config.body, '');
  return verify(b.finish(loss));
}

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
    // Inputs first, in time order, then the computation, as a reader expects.
    const order = (id: string) => (id === 'ic' ? 0 : Number(id.slice(1)));
    const ins = this.g.nodes.filter((n) => n.op === 'input').sort((a, b) => order(a.id) - order(b.id));
    const rest = this.g.nodes.filter((n) => n.op !== 'input');
    return { title: this.g.title, nodes: [...ins, ...rest], outputs: [loss] };
  }

  body(c: A.ConfigBody, p: string): string {
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
        const parts = c.parts.map((part, i) => this.body(part.config, `${p}c${i + 1}.`));
        return this.sum(`${p}loss`, c.parts.map((x) => x.weight), parts);
      }
      default:
        return c satisfies never;
    }
  }

  // ── building blocks ───────────────────────────────────────────────────────

  /** Data inputs are shared by every part of a composite. */
  private ic(): string {
    return this.input('ic', { name: 'ic' });
  }
  private target(t: number): string {
    return this.input(`y${t}`, { name: 'target', t });
  }
  private input(id: string, attrs: Record<string, string | number>): string {
    let v = this.inputs.get(id);
    if (!v) this.inputs.set(id, (v = this.g.add(id, 'input', [], this.state, attrs)));
    return v;
  }
  private call(id: string, fn: 'emulator' | 'reference' | 'residuum', args: string[]): string {
    return this.g.add(id, 'call', args, this.state, { fn });
  }
  /** One stop_gradient per value, whichever cut asks for it. */
  private cut(v: string): string {
    if ([...this.cuts.values()].includes(v)) return v;
    let c = this.cuts.get(v);
    if (!c) this.cuts.set(v, (c = this.g.add(`${v}_sg`, 'stop_gradient', [v], this.state)));
    return c;
  }
  private loss(id: string, kind: A.LossName, args: string[]): string {
    return this.g.add(id, 'loss', args, [], { kind });
  }
  private sum(id: string, weights: readonly number[], args: string[]): string {
    return this.g.add(id, 'weighted_sum', args, [], { weights: [...weights] });
  }
  private cutsAfter(c: { cutBptt: boolean; every: number }, level: number): boolean {
    return c.cutBptt && level % c.every === 0;
  }

  // ── configurations ────────────────────────────────────────────────────────

  private supervised(c: A.Supervised, p: string): string {
    let pred = this.ic();
    const losses: string[] = [];
    for (let t = 1; t <= c.rollout; t++) {
      const u = this.call(`${p}u${t}`, 'emulator', [pred]);
      losses.push(this.loss(`${p}l${t}`, c.loss, [u, this.target(t)]));
      pred = t < c.rollout && this.cutsAfter(c, t) ? this.cut(u) : u;
    }
    return this.sum(`${p}loss`, c.weights, losses);
  }

  private teacherForcing(c: A.TeacherForcing, p: string): string {
    let pred = this.ic();
    const losses: string[] = [];
    for (let t = 1; t <= c.rollout; t++) {
      const u = this.call(`${p}u${t}`, 'emulator', [pred]);
      const y = this.target(t);
      losses.push(this.loss(`${p}l${t}`, c.loss, [u, y]));
      if (t === c.rollout) break;
      // A reset replaces the prediction by data, which carries no gradient.
      pred = t % c.resetEvery === 0 ? y : this.cutsAfter(c, t) ? this.cut(u) : u;
    }
    return this.sum(`${p}loss`, c.weights, losses);
  }

  private mix(c: A.Mix, p: string): string {
    let pred = this.ic();
    const losses: string[] = [];
    c.chain.forEach((step, i) => {
      const t = i + 1;
      const u = this.call(`${p}u${t}`, step, [pred]);
      losses.push(this.loss(`${p}l${t}`, c.loss, [u, this.target(t)]));
      // Only emulator steps are cut: Trainax never cuts the physics part.
      pred = t < c.rollout && step === 'emulator' && this.cutsAfter(c, t) ? this.cut(u) : u;
    });
    return this.sum(`${p}loss`, c.weights, losses);
  }

  private diverted(c: A.Diverted, p: string): string {
    const R = c.rollout;
    const B = c.branch;
    let main = this.ic();
    const branchLosses: string[] = [];
    const weights: number[] = [];
    for (let t = 0; t <= R - B; t++) {
      // The main chain's next step comes first: it is the branch's first
      // emulator step too, and the simplifier keeps the first of the two.
      const next = t < R - B ? this.call(`${p}u${t + 1}`, 'emulator', [main]) : undefined;
      const bp = `${p}b${t}.`;
      let pred = main;
      let ref = c.cutDivChain ? this.cut(main) : main;
      const losses: string[] = [];
      for (let k = 1; k <= B; k++) {
        const level = t + k;
        pred = this.call(`${bp}u${level}`, 'emulator', [pred]);
        ref = this.call(`${bp}r${level}`, 'reference', [ref]);
        losses.push(this.loss(`${bp}l${level}`, c.loss, [pred, ref]));
        if (k < B && this.cutsAfter(c, level)) pred = this.cut(pred);
      }
      if (B === 1) {
        branchLosses.push(losses[0]!);
        weights.push(c.weights[t]! * c.branchWeights[0]!);
      } else {
        branchLosses.push(this.sum(`${bp}loss`, c.branchWeights, losses));
        weights.push(c.weights[t]!);
      }
      if (next) main = this.cutsAfter(c, t + 1) ? this.cut(next) : next;
    }
    return this.sum(`${p}loss`, weights, branchLosses);
  }

  /** Trainax's DivertedChainBranchOne: the reference steps off the main chain. */
  private divertedBranchOne(c: A.Diverted, p: string): string {
    let main = this.ic();
    const losses: string[] = [];
    for (let t = 1; t <= c.rollout; t++) {
      const r = this.call(`${p}r${t}`, 'reference', [main]);
      const u = this.call(`${p}u${t}`, 'emulator', [main]);
      losses.push(this.loss(`${p}l${t}`, c.loss, [u, c.cutDivChain ? this.cut(r) : r]));
      main = t < c.rollout && this.cutsAfter(c, t) ? this.cut(u) : u;
    }
    return this.sum(`${p}loss`, c.weights, losses);
  }

  private residuum(c: A.Residuum, p: string): string {
    let prev = this.ic();
    const losses: string[] = [];
    for (let t = 1; t <= c.rollout; t++) {
      const next = this.call(`${p}u${t}`, 'emulator', [prev]);
      const args = [c.cutNext ? this.cut(next) : next, c.cutPrev ? this.cut(prev) : prev];
      const r = this.call(`${p}r${t}`, 'residuum', args);
      losses.push(this.loss(`${p}l${t}`, c.loss, [r]));
      prev = t < c.rollout && this.cutsAfter(c, t) ? this.cut(next) : next;
    }
    return this.sum(`${p}loss`, c.weights, losses);
  }
}
