// WGSL for one kernel: its inlined producers become functions of a flat
// index, its root op writes one element per thread (map, loop) or one per
// workgroup (reduce, summed in a tree: WGSL has no float atomics). All values
// live in one f32 arena binding, so no kernel needs more than two bindings.
import type { Node } from '../ir/graph.js';
import type { WgslCtx, WgslRule } from '../ops/op.js';
import { opDef } from '../ops/registry.js';
import { countExpr } from '../ops/op.js';
import type { Kernel } from './fuse.js';
import type { Memory } from './memory.js';

export const MAP_WORKGROUP = 64;
export const REDUCE_WORKGROUP = 256;
/** Workgroups per dispatch dimension that every device allows; larger maps use a second dimension. */
export const MAX_GROUPS = 65535;

// tanh through exp(-2|x|) never overflows; WGSL's own may for large |x|.
const PREAMBLE = `struct Uniforms { B: u32 }
@group(0) @binding(0) var<storage, read_write> arena: array<f32>;
@group(0) @binding(1) var<uniform> u: Uniforms;
fn tx_tanh(x: f32) -> f32 { let e = exp(-2.0 * abs(x)); return sign(x) * (1.0 - e) / (1.0 + e); }
fn tx_sigmoid(x: f32) -> f32 { return 0.5 + 0.5 * tx_tanh(0.5 * x); }
fn tx_gelu(x: f32) -> f32 { return 0.5 * x * (1.0 + tx_tanh(0.7978845608028654 * (x + 0.044715 * x * x * x))); }
fn tx_square(x: f32) -> f32 { return x * x; }
`;

/** The prologue's loop, then the elementwise chain on its value, in registers. */
function epilogue(k: Kernel, ctx: (n: Node) => WgslCtx, locals: Map<string, string>): { stmts: string[]; value: string } {
  const p = k.prologue!;
  const loop = opDef(p.op).wgsl;
  if (loop?.kind !== 'loop') throw new Error(`internal: ${k.name}'s prologue is not a loop`);
  const body = loop.body(ctx(p), 'i');
  const stmts = [...body.stmts, `let pro = ${body.value};`];
  locals.set(p.id, 'pro');
  k.epilogue.forEach((n, j) => {
    stmts.push(`let epi${j} = ${exprOf(n).expr(ctx(n), 'i')};`);
    locals.set(n.id, `epi${j}`);
  });
  return { stmts, value: exprOf(k.root).expr(ctx(k.root), 'i') };
}

function exprOf(n: Node): Extract<WgslRule, { kind: 'expr' }> {
  const r = opDef(n.op).wgsl;
  if (r?.kind !== 'expr') throw new Error(`internal: %${n.id} is not an expression`);
  return r;
}

/** A reduction summed by one thread per output element. */
function sequentialSum(rule: Extract<WgslRule, { kind: 'reduce' }>, c: WgslCtx): { stmts: string[]; value: string } {
  const t = rule.term(c, 'i', 'j');
  return {
    stmts: [`var acc = 0.0;`, `for (var j = 0u; j < ${rule.domain(c)}; j++) {`, ...t.stmts.map((x) => `  ${x}`), `  acc += ${t.value};`, `}`],
    value: rule.finish ? rule.finish(c, 'i', 'acc') : 'acc',
  };
}

export function kernelWgsl(k: Kernel, mem: Memory): string {
  const shapes = new Map<string, Node['shape']>();
  for (const n of [...k.fused, k.root]) shapes.set(n.id, n.shape);
  const fnName = new Map(k.fused.map((n, j) => [n.id, `v${j}_${n.id.replace(/[^A-Za-z0-9]/g, '_')}`]));
  let counter = 0;
  // Values an epilogue holds in registers: read only at the element computed.
  const locals = new Map<string, string>();
  const ctx = (n: Node): WgslCtx => ({
    x: (slot, idx) => {
      const id = n.inputs[slot]!;
      const local = locals.get(id);
      if (local) {
        if (idx !== 'i') throw new Error(`internal: ${k.name} reads its epilogue value %${id} off its own element`);
        return local;
      }
      const f = fnName.get(id);
      if (f) return `${f}(${idx})`;
      const s = mem.slots.get(id);
      if (!s) throw new Error(`internal: %${id} is neither stored nor fused in ${k.name}`);
      return `arena[${s.offset}u + ${idx}]`;
    },
    out: n.shape,
    ins: n.inputs.map((i) => shapeOf(i)),
    attrs: n.attrs,
    fresh: (tag) => `${tag}_${counter++}`,
  });
  const shapeOf = (id: string) => shapes.get(id) ?? k.readShapes.get(id)!;

  const fns = k.fused.map((n) => {
    const rule = n.op === 'input' ? undefined : k.rules.get(n.id);
    if (rule?.kind !== 'expr') throw new Error(`internal: fused %${n.id} is not an expression`);
    return `fn ${fnName.get(n.id)}(i: u32) -> f32 { return ${rule.expr(ctx(n), 'i')}; }`;
  });
  const out = mem.slots.get(k.root.id)!;
  const c = ctx(k.root);
  const rule = k.rule;
  let main: string;
  if (rule.kind === 'reduce' && k.tree) {
    const t = rule.term(c, 'i', 'j');
    const done = rule.finish ? rule.finish(c, 'i', 'part[0]') : 'part[0]';
    main = `var<workgroup> part: array<f32, ${REDUCE_WORKGROUP}>;
@compute @workgroup_size(${REDUCE_WORKGROUP})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = wid.x;
  var acc = 0.0;
  for (var j = lid; j < ${rule.domain(c)}; j += ${REDUCE_WORKGROUP}u) {
    ${t.stmts.join('\n    ')}
    acc += ${t.value};
  }
  part[lid] = acc;
  workgroupBarrier();
  for (var s = ${REDUCE_WORKGROUP / 2}u; s > 0u; s >>= 1u) {
    if (lid < s) { part[lid] += part[lid + s]; }
    workgroupBarrier();
  }
  if (lid == 0u) { arena[${out.offset}u + i] = ${done}; }
}`;
  } else if (rule.kind !== 'expr' && k.perThread > 1) {
    const tile = rule.tile!(c)!;
    const body = tile.body(c, 't');
    main = `@compute @workgroup_size(${MAP_WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let t = gid.x + gid.y * ${MAX_GROUPS * MAP_WORKGROUP}u;
  if (t >= ${countExpr(k.root.shape)} / ${k.perThread}u) { return; }
  ${body.stmts.join('\n  ')}
  ${body.writes.map(([idx, v]) => `arena[${out.offset}u + ${idx}] = ${v};`).join('\n  ')}
}`;
  } else {
    const body = k.prologue ? epilogue(k, ctx, locals) : rule.kind === 'loop' ? rule.body(c, 'i') : rule.kind === 'reduce' ? sequentialSum(rule, c) : { stmts: [], value: rule.expr(c, 'i') };
    main = `@compute @workgroup_size(${MAP_WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x + gid.y * ${MAX_GROUPS * MAP_WORKGROUP}u;
  if (i >= ${countExpr(k.root.shape)}) { return; }
  ${body.stmts.join('\n  ')}
  arena[${out.offset}u + i] = ${body.value};
}`;
  }
  return `// ${k.name}: ${k.root.op} [${k.root.shape.join(',')}]${k.fused.length ? `, fused ${k.fused.map((n) => n.op).join(' ')}` : ''}
${PREAMBLE}${fns.join('\n')}
${main}
`;
}
