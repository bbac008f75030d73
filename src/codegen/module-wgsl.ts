// A dispatch's WGSL module: its phases' code (wgsl.ts) under one entry
// point — a lone phase with a thread per index or its own entry, or several
// phases merged into one workgroup with barriers where one depends on
// another — and the arena offsets it reads from the dispatch's uniform where
// another dispatch shares its module.
import { MAX_GROUPS } from '../ir/target.js';
import { MATH_FUNCTIONS, SHORT_LOOP } from '../wgsl/text.js';
import { MAX_OFFSETS } from '../wgsl/bindings.js';
import { memberDecl, memberLoad } from './members.js';
import { MERGED_WORKGROUP, SWEEP_OUTPUTS } from './sum-wgsl.js';
import type { Phase, Range } from './wgsl.js';

/**
 * The arena offsets a dispatch of `group` may read from its uniform, its
 * phases' one after another, or undefined when they are too many for it.
 * Then the same run of phases at another time step is the same module.
 */
function uniformOffsets(group: readonly Phase[]): number[] | undefined {
  const all = group.flatMap((p) => p.offsets);
  return all.length <= MAX_OFFSETS ? all : undefined;
}

/** A dispatch's module, and the offsets it reads from its uniform (undefined: literals in its code). */
export interface GroupModule {
  code: string;
  offsets: number[] | undefined;
}

/**
 * Each group's module. A group reads its offsets from the uniform where
 * another group then has the same module (a layer at every time step, rollout
 * 20's runs of forward steps, the Lorenz MLP's nine loss-and-flatten pairs),
 * so that they share one pipeline; elsewhere they are literals, which let
 * lavapipe load an address that is the same in every lane once per subgroup
 * (the quickstart at rollout 5 ran 0.30 ms per step with its three merged
 * groups reading the uniform, 0.25 ms with literals).
 */
export function groupModules(decls: string, groups: readonly (readonly Phase[])[], members = 1): GroupModule[] {
  const viaUniform = groups.map((g) => ({ offsets: uniformOffsets(g), code: moduleWgsl(decls, g, uniformOffsets(g), members) }));
  const seen = new Map<string, number>();
  for (const m of viaUniform) seen.set(moduleKey(m.code), (seen.get(moduleKey(m.code)) ?? 0) + 1);
  return groups.map((g, j) => {
    const m = viaUniform[j]!;
    // No offsets, or too many for the uniform: its code holds literals already.
    if (!m.offsets?.length) return { code: m.code, offsets: undefined };
    if (seen.get(moduleKey(m.code))! > 1) return m;
    return { code: moduleWgsl(decls, g, undefined, members), offsets: undefined };
  });
}

/**
 * One compute module running `phases` in order: a lone phase with one
 * thread per index (a tree with its own entry), or as its sweep in one
 * workgroup (Phase.sweepAlone); several in one workgroup
 * that strides over each phase's threads, with a storage barrier wherever a
 * phase touches what an earlier one since the last barrier wrote, or
 * writes what it read. With `table`, the offsets come from the dispatch's
 * uniform, and only `//` comment lines tell apart the modules of the same
 * layer at different time steps. An ensemble's entry points first read
 * their member from their workgroup's z (members.ts), a merged dispatch's
 * too: one workgroup per member ran the quickstart's 10 members in 1.95 to
 * 2.3 ms a step on lavapipe, one workgroup striding over them all in 2.6 to
 * 7.0 ms (its barriers paid once, but on one core).
 */
function moduleWgsl(decls: string, phases: readonly Phase[], table: readonly number[] | undefined, members: number): string {
  let next = 0;
  const named = phases.map((p, g) => {
    const prefix = phases.length > 1 ? `k${g}_` : '';
    // Its offsets, from the dispatch's uniform after those of the phases before it, or literals.
    const base = table && next;
    next += p.offsets.length;
    return { ...p, ...p.emit({ prefix, offset: (j) => (base !== undefined ? `tx_o${base + j}` : `${p.offsets[j]}u`) }) };
  });
  // The entry point copies the dispatch's offsets into private variables:
  // read from the uniform inside a loop, lavapipe reloaded them every step.
  const offsets = table ? table.map((_, j) => j) : [];
  const privates = memberDecl(members) + offsets.map((j) => `var<private> tx_o${j}: u32;\n`).join('');
  const load = offsets.map((j) => `  tx_o${j} = tx_off.o[${j >> 2}][${j & 3}];\n`).join('');
  const [only] = named;
  const merged = isMerged(named);
  const enable = named.some((p) => p.subgroups) ? 'enable subgroups;\ndiagnostic(off, subgroup_uniformity);\n' : '';
  // A phase that runs as its sweep alone needs only the sweep's code and the functions it calls.
  const code = `${enable}${decls}${MATH_FUNCTIONS}${privates}${named.map((p) => (p.sweepAlone && named.length === 1 ? (p.sweep?.defs ?? '') : p.code) + (merged && p.sweep ? p.sweep.code : '')).join('')}`;
  if (!merged && only) {
    if (only.entry) return `${code}${only.entry.replace('{\n', `{\n${memberLoad(members, only.entry)}${load}`)}\n`;
    const main = 'fn main(@builtin(global_invocation_id) gid: vec3<u32>)';
    return `${code}@compute @workgroup_size(${only.workgroup})
${main} {
${memberLoad(members, main)}${load}  ${only.fn}(gid.x + gid.y * ${MAX_GROUPS * only.workgroup}u);
}
`;
  }
  const lines: string[] = [];
  let since: Phase[] = [];
  for (const p of named) {
    if (since.some((q) => conflicts(q, p))) {
      lines.push('  storageBarrier();');
      since = [];
    }
    lines.push(p.sweep ? `  ${p.sweep.fn}(lid);` : `  for (var t = lid; t < ${stridedBound(p)}; t += ${MERGED_WORKGROUP}u) { ${p.fn}(t); }`);
    since.push(p);
  }
  const part = named.some((p) => p.sweep) ? `var<workgroup> tx_part: array<f32, ${SWEEP_OUTPUTS * MERGED_WORKGROUP}>;\n` : '';
  const main = `fn main(@builtin(local_invocation_index) lid: u32${members > 1 ? ', @builtin(workgroup_id) wid: vec3<u32>' : ''})`;
  return `${code}${part}@compute @workgroup_size(${MERGED_WORKGROUP})
${main} {
${memberLoad(members, main)}${load}${lines.join('\n')}
}
`;
}

/** Whether a group runs as one workgroup striding over its phases (merge.ts): several phases, or a sweep alone. */
function isMerged(group: readonly Phase[]): boolean {
  return group.length > 1 || Boolean(group[0]?.sweepAlone);
}

/**
 * The bound of a merged dispatch's loop over a phase's threads. A count that
 * does not grow with the batch (an optimizer over a few hundred parameters, a
 * weight gradient) would show the shader compiler a loop it unrolls, as a
 * tripCount bound does past a few steps: it is hidden the same way.
 */
function stridedBound(p: Phase): string {
  const n = p.threads(1);
  return p.threads(2) === n && n > SHORT_LOOP * MERGED_WORKGROUP ? `(${n}u + u.z)` : p.count;
}

/** What tells modules apart: comment lines name values, so the same layer at another time step shares a pipeline. */
export function moduleKey(code: string): string {
  return code.replace(/^\s*\/\/.*\n/gm, '');
}

/** Whether `b` must wait for `a`: it reads what `a` writes, or writes what `a` reads or writes. */
function conflicts(a: Phase, b: Phase): boolean {
  return overlap(a.writes, b.reads) || overlap(a.writes, b.writes) || overlap(a.reads, b.writes);
}

function overlap(x: Range[] | 'all', y: Range[] | 'all'): boolean {
  if (x === 'all' || y === 'all') return true;
  return x.some(([o, n]) => y.some(([p, m]) => o < p + m && p < o + n));
}
