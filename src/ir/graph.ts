// One graph IR for every level of the compiler: the chain graph (calls of the
// emulator, reference and residuum, losses) and, after inlining, primitive
// tensor ops and their backward. A graph is immutable once built; passes build
// new graphs. Nodes are in definition order, so every walk is a forward loop.

/** A dimension: a size, or 'B' for the minibatch, bound when a graph runs. */
export type Dim = number | 'B';
export type Shape = readonly Dim[];

export type AttrValue = number | string | boolean | readonly number[] | readonly string[];
export type Attrs = Readonly<Record<string, AttrValue>>;

export interface Node {
  /** Stable name, printed as %id; unique within its graph. */
  readonly id: string;
  readonly op: string;
  readonly inputs: readonly string[];
  readonly attrs: Attrs;
  readonly shape: Shape;
}

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

  add(id: string, op: string, inputs: readonly string[], shape: Shape, attrs: Attrs = {}): string {
    let name = id;
    for (let k = 2; this.byId.has(name); k++) name = `${id}.${k}`;
    const node: Node = { id: name, op, inputs: [...inputs], attrs, shape: [...shape] };
    this.byId.set(name, node);
    this.nodes.push(node);
    return name;
  }

  /** Copies a node under its own id (or a suffixed one), remapping its inputs. */
  copy(n: Node, inputs: readonly string[] = n.inputs): string {
    return this.add(n.id, n.op, inputs, n.shape, n.attrs);
  }

  /**
   * Gives the most recent node a new id, so an inlined call's result keeps the
   * call's name. Only the last node can be renamed: nothing reads it yet.
   */
  renameLast(from: string, to: string): string {
    const last = this.nodes.at(-1);
    if (last?.id !== from || this.byId.has(to)) return from;
    const node = { ...last, id: to };
    this.nodes[this.nodes.length - 1] = node;
    this.byId.delete(from);
    this.byId.set(to, node);
    return to;
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  shapeOf(id: string): Shape {
    const n = this.byId.get(id);
    if (!n) throw new Error(`internal: no value %${id}`);
    return n.shape;
  }

  build(outputs: readonly string[]): Graph {
    return { title: this.title, nodes: this.nodes, outputs: [...outputs] };
  }
}
