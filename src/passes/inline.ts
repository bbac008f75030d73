// Inlining: every call in a chain graph becomes the primitive ops of the
// emulator, reference or residuum it names. Parameters become inputs declared
// once at the top, so every emulator call shares them; the call's result keeps
// the call's name, so the primitive graph still reads in the chain's terms.
import type * as A from '../dsl/ast.js';
import type { Graph, Node } from '../ir/graph.js';
import { GraphBuilder } from '../ir/graph.js';
import { verify } from '../ops/verify.js';
import { Emit } from './inline/emit.js';
import { emitNetwork, networkParams, type ParamDecl } from './inline/network.js';
import { emitBuiltin, emitExpr } from './inline/stepper.js';

export function emulatorParams(spec: A.Spec, snapshot: readonly number[]): ParamDecl[] {
  const emu = spec.emulator!;
  return networkParams(emu.kind === 'correction' ? emu.net : emu, snapshot);
}

export function inline(chain: Graph, spec: A.Spec): Graph {
  const b = new GraphBuilder(chain.title);
  const state = chain.nodes.find((n) => n.op === 'input')!.shape;
  const params = new Map<string, string>();
  for (const p of emulatorParams(spec, state.slice(1) as number[]))
    params.set(p.name, b.add(p.name, 'input', [], p.shape, { param: p.name }, { kind: 'parameter' }));
  const param = (name: string) => params.get(name)!;
  const ids = new Map<string, string>();
  for (const n of chain.nodes) {
    const inputs = n.inputs.map((i) => ids.get(i)!);
    ids.set(n.id, n.op === 'call' ? expandCall(b, n, inputs, spec, param) : b.copy(n, inputs));
  }
  return verify(b.build(chain.outputs.map((o) => ids.get(o)!)));
}

function expandCall(b: GraphBuilder, n: Node<'call'>, args: string[], spec: A.Spec, param: (name: string) => string): string {
  const e = new Emit(b, `${n.id}.`);
  const { fn } = n.attrs;
  let out: string;
  switch (fn) {
    case 'emulator':
      out = emulator(e, spec.emulator!, args[0]!, param);
      break;
    case 'reference':
      out = stepper(e, spec.reference!, args[0]!);
      break;
    case 'residuum': {
      const r = spec.residuum!;
      // A built-in residuum is the defect of its explicit step: next - P(prev).
      out = r.kind === 'expr' ? emitExpr(e, r, args) : e.binary('defect', 'sub', args[0]!, emitBuiltin(e, r, args[1]!));
      break;
    }
    default:
      return fn satisfies never;
  }
  // A call needs a value of its own for the chain to name, with the call's
  // role: its expansion's last value, renamed, or where that cannot be (a
  // call that returns its argument, `reference id(u) = u`, or an earlier
  // value) a copy of it.
  const renamed = args.includes(out) ? out : b.renameLast(out, n.id, n.role);
  return renamed !== out || out === n.id ? renamed : b.add(n.id, 'scale', [out], n.shape, { c: 1 }, n.role);
}

function emulator(e: Emit, emu: A.EmulatorDecl, u: string, param: (name: string) => string): string {
  if (emu.kind !== 'correction') return emitNetwork(e, emu, u, param);
  const coarse = emitBuiltin(new Emit(e.b, `${e.prefix}coarse.`), emu.coarse, u);
  if (emu.mode === 'sequential') return emitNetwork(new Emit(e.b, `${e.prefix}net.`), emu.net, coarse, param);
  const net = emitNetwork(new Emit(e.b, `${e.prefix}net.`), emu.net, u, param);
  return e.binary('sum', 'add', coarse, net);
}

function stepper(e: Emit, s: A.StepperDecl, u: string): string {
  return s.kind === 'builtin' ? emitBuiltin(e, s, u) : emitExpr(e, s, [u]);
}
