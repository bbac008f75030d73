// The text form of a graph: one value per line, columns aligned, shapes
// explicit, names stable, so a golden snapshot diff reads like a review.
// Chain graphs also show where gradients flow ('grad') and which reference
// calls the backward pass differentiates ('vjp').
import type { AttrValue, Graph, Node } from './graph.js';
import { shapeText } from './graph.js';
import type { GradFlow } from './gradflow.js';

export function printGraph(g: Graph, flow?: GradFlow): string {
  const rows = g.nodes.map((n) => {
    const tags = flow ? [flow.grad.has(n.id) ? 'grad' : '', flow.vjp.has(n.id) ? 'vjp' : ''].filter(Boolean).join(' ') : '';
    return [`%${n.id}`, opText(n), shapeText(n.shape), tags];
  });
  // A reduce, not Math.max(...): a spread of a large graph's rows overflows the stack.
  const width = (c: number) => rows.reduce((w, r) => Math.max(w, r[c]!.length), 0);
  const [w0, w1, w2] = [width(0), width(1), width(2)];
  const lines = [`# ${g.title}`];
  if (flow) lines.push("# grad: the value's cotangent reaches the emulator parameters; vjp: the backward differentiates this call");
  for (const [name, op, shape, tags] of rows)
    lines.push(`${name!.padEnd(w0)} = ${op!.padEnd(w1)}  ${tags ? `${shape!.padEnd(w2)}  ${tags}` : shape}`);
  lines.push(`return ${g.outputs.map((o) => `%${o}`).join(', ')}`);
  return lines.join('\n') + '\n';
}

function opText(n: Node): string {
  const args = n.inputs.map((i) => `%${i}`).join(', ');
  switch (n.op) {
    case 'input':
      if (n.attrs.param !== undefined) return `input param[${n.attrs.param}]`;
      return n.attrs.name === 'target' ? `input target[${n.attrs.t}]` : `input ${attrsText(n.attrs)}`;
    case 'call':
      return `call ${n.attrs.fn}(${args})`;
    case 'loss':
      return `loss ${n.attrs.kind}(${args})`;
    case 'weighted_sum':
      return `weighted_sum ${value(n.attrs.weights)}(${args})`;
    case 'spectral_scale':
      // A table has a factor per Fourier bin, hundreds of them: its count and
      // a hash, so that the graph stays readable and a changed factor still
      // changes a golden.
      return `spectral_scale {dims: ${n.attrs.dims}, coef: ${n.attrs.coef.length / 2} factors #${fnv1a(value(n.attrs.coef))}}(${args})`;
    default: {
      const a = Object.keys(n.attrs).length ? ` ${attrsText(n.attrs)}` : '';
      return `${n.op}${a}(${args})`;
    }
  }
}

/** Taking any node's attributes here checks, for every op, that they are values the text form can print. */
function attrsText(attrs: Readonly<Record<string, AttrValue | undefined>>): string {
  const entries = Object.entries(attrs);
  if (entries.length === 1 && entries[0]![0] === 'name') return String(entries[0]![1]);
  return `{${entries.map(([k, v]) => `${k}: ${value(v)}`).join(', ')}}`;
}

/** Numbers print in JavaScript's shortest round-trip form: exact and stable. */
function value(v: AttrValue | undefined): string {
  return Array.isArray(v) ? `[${v.join(', ')}]` : String(v);
}

/** 32-bit FNV-1a of a text, as 8 hex digits. */
function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}
