// A `dispatch` op's kernel (ops/op.ts: the Fourier transforms) as phases:
// one per pass, each a dispatch of its own with the entry point, workgroup
// size and workgroup memory the op's rule writes. Such a phase is never
// merged (merge.ts), as its workgroup is not the merged one, and dispatches
// in one compute pass see each other's writes, so a pass may read what the
// one before it wrote.
import type { Node } from '../ir/graph.js';
import { countExpr } from '../wgsl/text.js';
import type { ArenaRef, DispatchCtx } from '../ops/op.js';
import type { Kernel } from './kernel.js';
import { kernelOps, scratchSlot } from './kernel.js';
import type { Memory, Slot } from './memory.js';
import { bankAccess } from './memory.js';
import type { Names, Phase, Range } from './wgsl.js';

export function dispatchPhases(k: Kernel, mem: Memory): Phase[] {
  const rule = k.rule;
  if (rule.kind !== 'dispatch') throw new Error(`internal: ${k.name} is not a dispatch op`);
  const root: Node = k.root;
  const slot = (id: string): Slot => {
    const s = mem.slots.get(id);
    if (!s) throw new Error(`internal: %${id} has no arena slot for ${k.name}`);
    return s;
  };
  const ins = root.inputs.map(slot);
  const out = slot(root.id);
  const scratch = k.scratch ? slot(scratchSlot(k)) : undefined;
  // Every pass numbers the same offsets, in their banks: the inputs', the output's, the scratch value's.
  const places = [...ins, out, ...(scratch ? [scratch] : [])].map((s) => bankAccess(mem, s));
  const offsets = places.map((p) => p.offset);
  const ref = (names: Names, j: number): ArenaRef => ({ buf: places[j]!.variable, at: names.offset(j) + places[j]!.member });
  const ctx = (names: Names): DispatchCtx => ({
    out: root.shape,
    ins: root.inputs.map((i) => k.readShapes.get(i)!),
    attrs: root.attrs,
    target: k.target,
    input: (j) => ref(names, j),
    output: ref(names, ins.length),
    scratch: scratch && ref(names, ins.length + 1),
  });
  const range = (s: Slot): Range => [s.offset, s.size];
  const passes = rule.passes(ctx({ prefix: '', offset: (j) => `${offsets[j]}u` }));
  return passes.map((pass, j): Phase => ({
    name: k.name,
    label: `%${k.name} ${kernelOps(k)}, ${pass.what}`,
    pass: pass.what,
    emit: (names) => {
      const p = rule.passes(ctx(names))[j]!;
      return { fn: 'main', code: `// ${k.name}: ${kernelOps(k)} [${root.shape.join(',')}], ${p.what}\n${p.defs ?? ''}`, entry: p.entry };
    },
    // Its threads are its workgroups': no merged dispatch strides over them.
    count: countExpr(root.shape),
    threads: (batch) => pass.groups(batch) * pass.workgroup,
    workgroup: pass.workgroup,
    merge: false,
    offsets,
    reads: [...ins, ...(scratch ? [scratch] : [])].map(range),
    writes: [out, ...(scratch ? [scratch] : [])].map(range),
  }));
}
