// One graph IR for every level of the compiler: the chain graph (calls of the
// emulator, reference and residuum, losses) and, after inlining, primitive
// tensor ops and their backward. A graph is immutable once built; passes build
// new graphs. Nodes are in definition order, so every walk is a forward loop.
import type { OpAttrs, OpName } from './op-attrs.js';
import type { Role } from './role.js';

/** A dimension: a size, or 'B' for the minibatch, bound when a graph runs. */
export type Dim = number | 'B';
export type Shape = readonly Dim[];

/** A value an attribute may hold: what the text form prints and CSE compares. */
export type AttrValue = number | string | boolean | readonly number[] | readonly string[];
/** The attributes of some op, not known which. */
export type Attrs = OpAttrs[OpName];

interface OpNode<K extends OpName> {
  /** Stable name, printed as %id; unique within its graph. */
  readonly id: string;
  readonly op: K;
  readonly inputs: readonly string[];
  readonly attrs: OpAttrs[K];
  readonly shape: Shape;
  /** What the value means to the configuration, where a pass gave it one (role.ts). */
  readonly role?: Role;
}

/**
 * A node of op K; plain `Node` is any op's, and `n.op === 'slice'` narrows
 * it and its attrs. A mapped type indexed by K, so that `Node<'call' | 'loss'>`
 * is a union of the two, not one node with either op and either's attrs.
 */
export type Node<K extends OpName = OpName> = { [P in K]: OpNode<P> }[K];

/** A node's attributes as an argument: optional for ops whose every attribute is. */
export type AttrsArg<K extends OpName> = [{}] extends [OpAttrs[K]] ? [attrs?: OpAttrs[K]] : [attrs: OpAttrs[K]];
/** The same, and then the node's role. */
type AttrsAndRole<K extends OpName> = [{}] extends [OpAttrs[K]] ? [attrs?: OpAttrs[K], role?: Role] : [attrs: OpAttrs[K], role?: Role];

export interface Graph {
  /** What the graph computes, e.g. the configuration's text; printed as a header. */
  readonly title: string;
  readonly nodes: readonly Node[];
  /** Values the graph returns, e.g. ['loss'] or ['loss', 'grad.layers.0.weight']. */
  readonly outputs: readonly string[];
}

export function shapeText(shape: Shape): string {
  return `f32[${shape.join(',')}]`;
}

/** Elements of a shape with the batch axis bound to `batch`. */
export function elements(shape: Shape, batch: number): number {
  return shape.reduce<number>((a, d) => a * (d === 'B' ? batch : d), 1);
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

export function nodeMap(g: Graph): Map<string, Node> {
  return new Map(g.nodes.map((n) => [n.id, n]));
}

/** For each value, the nodes that read it, in graph order. */
export function users(g: Graph): Map<string, Node[]> {
  const m = new Map<string, Node[]>(g.nodes.map((n) => [n.id, []]));
  for (const n of g.nodes) for (const i of n.inputs) m.get(i)?.push(n);
  return m;
}

/**
 * Appends nodes with fresh, readable ids. Passes use one to build their output
 * graph; a requested id that is taken gets a numeric suffix, so names stay
 * stable for a given input graph.
 */
export class GraphBuilder {
  readonly nodes: Node[] = [];
  private readonly byId = new Map<string, Node>();

  constructor(readonly title: string) {}

  add<K extends OpName>(id: string, op: K, inputs: readonly string[], shape: Shape, ...[attrs, role]: AttrsAndRole<K>): string {
    // Absent attributes are the empty set, which AttrsAndRole allows only where OpAttrs[K] does.
    const node = { id, op, inputs: [...inputs], attrs: attrs ?? {}, shape: [...shape], ...(role && { role }) } as Node;
    return this.push(node);
  }

  /** Copies a node, role included, under `id` (or a suffixed one), remapping its inputs. */
  copy(n: Node, inputs: readonly string[] = n.inputs, id = n.id): string {
    return this.push({ ...n, id, inputs: [...inputs] });
  }

  private push(node: Node): string {
    let name = node.id;
    for (let k = 2; this.byId.has(name); k++) name = `${node.id}.${k}`;
    const named = name === node.id ? node : { ...node, id: name };
    this.byId.set(name, named);
    this.nodes.push(named);
    return name;
  }

  /**
   * Gives the most recent node a new id, so an inlined call's result keeps the
   * call's name (and role). Only the last node can be renamed: nothing reads it yet.
   */
  renameLast(from: string, to: string, role?: Role): string {
    const last = this.nodes.at(-1);
    if (last?.id !== from || this.byId.has(to)) return from;
    const node = { ...last, id: to, ...(role && { role }) };
    this.nodes[this.nodes.length - 1] = node;
    this.byId.delete(from);
    this.byId.set(to, node);
    return to;
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  shapeOf(id: string): Shape {
    return this.get(id).shape;
  }

  roleOf(id: string): Role | undefined {
    return this.get(id).role;
  }

  private get(id: string): Node {
    const n = this.byId.get(id);
    if (!n) throw new Error(`internal: no value %${id}`);
    return n;
  }

  build(outputs: readonly string[]): Graph {
    return { title: this.title, nodes: this.nodes, outputs: [...outputs] };
  }
}
