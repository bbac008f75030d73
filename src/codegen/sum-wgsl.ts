// The three ways a reduction sums, as WGSL: one thread per output
// (sequentialSum), a workgroup tree per output (treeSum, its own entry
// point), or one workgroup over a few outputs (sweepSum: in a merged
// dispatch, or alone where GPU shapes would leave a few threads summing). Each runs its statements over a kernel's sets of inputs
// (Terms) where it sums several.
import type { WgslCtx, WgslRule } from '../ops/op.js';
import { countExpr, tripCount } from '../wgsl/text.js';
import type { Term } from './kernel.js';
import { REDUCE_WORKGROUP } from './kernel.js';

type Reduce = Extract<WgslRule, { kind: 'reduce' }>;

/**
 * A sum over several sets of inputs (Kernel.terms): `over` repeats the
 * statements that add terms once per set; `plus` adds the kernel's addends
 * to the value at element i; `input` reads an input of the current set.
 * `over` and `plus` are identities for other kernels.
 */
export interface Terms {
  over(sum: string[]): string[];
  plus(i: string, value: string): string;
  input(slot: number, idx: string): string;
}

/** Where a kernel finds a value: its arena bank's variable and its offset there, as the kernel names it. */
export type Place = (id: string) => { variable: string; offset: string };

/**
 * A kernel's Terms: with several sets of inputs, input j of set s is at
 * offset tb<j>, taken from the table tbs<j>[s] at the top of each pass, of
 * its bank's variable. Where the sets' inputs j lie in different banks of
 * the arena, the passes are written out one by one instead, each naming
 * its banks through pointers tp<j>, so that the statements are the same.
 */
export function sumTerms(terms: readonly Term[] | undefined, addends: readonly string[] | undefined, place: Place, bankOf: (id: string) => string, prefix: string): Terms {
  const plus = (i: string, value: string) => withAddends(i, value, place, addends);
  if (!terms) return { over: (sum) => sum, plus, input: () => 'internal: no terms' };
  const slots = [...terms[0]!.inputs.keys()];
  // Offsets are named when the passes are written (a module numbers them in the order they are first named).
  const banks = terms.map((t) => slots.map((j) => bankOf(t.inputs[j]!)));
  const oneBank = slots.every((j) => banks.every((set) => set[j] === banks[0]![j]));
  return {
    over: (sum) => {
      // bySlot[j][s]: input j of set s.
      const bySlot = slots.map((j) => terms.map((t) => place(t.inputs[j]!)));
      return oneBank
        ? [
            ...slots.map((j) => `var ${prefix}tbs${j} = array<u32, ${terms.length}>(${bySlot[j]!.map((p) => p.offset).join(', ')});`),
            `for (var ${prefix}s = 0u; ${prefix}s < ${tripCount(terms.length)}; ${prefix}s++) {`,
            ...slots.map((j) => `  let ${prefix}tb${j} = ${prefix}tbs${j}[${prefix}s];`),
            ...sum.map((x) => `  ${x}`),
            `}`,
          ]
        : terms.flatMap((_, t) => ['{', ...slots.flatMap((j) => [`  let ${prefix}tp${j} = &${bySlot[j]![t]!.variable};`, `  let ${prefix}tb${j} = ${bySlot[j]![t]!.offset};`]), ...sum.map((x) => `  ${x}`), '}']);
    },
    plus,
    input: (slot, idx) => (oneBank ? `${banks[0]![slot]}[${prefix}tb${slot} + ${idx}]` : `(*${prefix}tp${slot})[${prefix}tb${slot} + ${idx}]`),
  };
}

/** `value` plus each addend at element i. */
export function withAddends(i: string, value: string, place: Place, addends: readonly string[] = []): string {
  return [value, ...addends.map((a) => {
    const p = place(a);
    return `${p.variable}[${p.offset} + ${i}]`;
  })].join(' + ');
}

/** `head` (a for loop's header) around the statements that add term j to acc. */
function adding(rule: Reduce, c: WgslCtx, head: string): string[] {
  const t = rule.term(c, 'i', 'j');
  return [`${head} {`, ...t.stmts.map((x) => `  ${x}`), `  acc += ${t.value};`, `}`];
}

/** Threads of the one workgroup a merged dispatch runs. */
export const MERGED_WORKGROUP = 64;

/** Most outputs a reduction may have to sum cooperatively in a merged dispatch. */
export const SWEEP_OUTPUTS = 16;

/**
 * A reduction with few outputs summed by one whole workgroup, that of a
 * merged dispatch or its own (Phase.sweepAlone): each thread sums a strided share of every output into
 * workgroup memory, then one thread per output adds the shares. On lavapipe
 * one thread summing a quickstart weight gradient (960 terms) took ~10 us;
 * the workgroup takes a fraction, for two barriers.
 */
export function sweepSum(rule: Reduce, c: WgslCtx, outputs: number, name: string, out: string, terms: Terms): string {
  const W = MERGED_WORKGROUP;
  const sum = terms.over(adding(rule, c, `for (var j = lid; j < ${countExpr(rule.domain(c))}; j += ${W}u)`));
  return `fn ${name}(lid: u32) {
  for (var i = 0u; i < ${tripCount(outputs)}; i++) {
    var acc = 0.0;
    ${sum.join('\n    ')}
    tx_part[i * ${W}u + lid] = acc;
  }
  workgroupBarrier();
  if (lid < ${outputs}u) {
    let i = lid;
    var acc = 0.0;
    for (var r = 0u; r < ${tripCount(W)}; r++) { acc += tx_part[i * ${W}u + r]; }
    ${out} = ${terms.plus('i', rule.finish ? rule.finish(c, 'i', 'acc') : 'acc')};
  }
  workgroupBarrier();
}
`;
}

/** Terms a one-thread sum adds per loop iteration, in one write of its accumulator (see matmul-tile.ts). */
const SUM_UNROLL = 4;

/** A reduction summed by one thread per output element. */
export function sequentialSum(rule: Reduce, c: WgslCtx, terms: Terms): { stmts: string[]; value: string } {
  const U = SUM_UNROLL;
  const ts = [...Array(U).keys()].map((u) => rule.term(c, 'i', u ? `(j + ${u}u)` : 'j'));
  const n = countExpr(rule.domain(c));
  return {
    stmts: [
      `var acc = 0.0;`,
      ...terms.over([
        `var j = 0u;`,
        `for (; j + ${U - 1}u < ${n}; j += ${U}u) {`,
        ...ts.flatMap((t) => t.stmts.map((x) => `  ${x}`)),
        `  acc = acc + ${ts.map((t) => t.value).join(' + ')};`,
        `}`,
        ...adding(rule, c, `for (; j < ${n}; j++)`),
      ]),
    ],
    value: terms.plus('i', rule.finish ? rule.finish(c, 'i', 'acc') : 'acc'),
  };
}

/**
 * A thread's strided share of a sum, `unroll` terms per iteration: a GPU
 * thread keeps that many loads in flight where one term at a time waits out
 * each load's latency.
 */
function stridedShare(rule: Reduce, c: WgslCtx, W: number, unroll: number): string[] {
  const n = countExpr(rule.domain(c));
  if (unroll === 1) return adding(rule, c, `for (var j = lid; j < ${n}; j += ${W}u)`);
  const ts = [...Array(unroll).keys()].map((u) => rule.term(c, 'i', u ? `(j + ${u * W}u)` : 'j'));
  return [
    `var j = lid;`,
    `for (; j + ${(unroll - 1) * W}u < ${n}; j += ${unroll * W}u) {`,
    ...ts.flatMap((t) => t.stmts.map((x) => `  ${x}`)),
    `  acc = acc + ${ts.map((t) => t.value).join(' + ')};`,
    `}`,
    ...adding(rule, c, `for (; j < ${n}; j += ${W}u)`),
  ];
}

/**
 * A workgroup per output: each thread sums a strided share, then the
 * workgroup adds the shares. `out` is the arena element at output i.
 */
export function treeSum(rule: Reduce, c: WgslCtx, terms: Terms, out: string, S: number | undefined, prefix: string, unroll = 1): string {
  const done = rule.finish ? rule.finish(c, 'i', `${prefix}part[0]`) : `${prefix}part[0]`;
  // With subgroups, each subgroup sums its lanes in registers and one
  // barrier separates that from the last sum: lavapipe's nine-level tree
  // of barriers cost ~0.3 ms for a 16-channel bias gradient.
  const combine = S
    ? `acc = subgroupAdd(acc);
  if (lid % ${S}u == 0u) { ${prefix}part[lid / ${S}u] = acc; }
  workgroupBarrier();
  if (lid == 0u) { for (var r = 1u; r < ${tripCount(REDUCE_WORKGROUP / S)}; r++) { ${prefix}part[0] += ${prefix}part[r]; } }`
    : `${prefix}part[lid] = acc;
  workgroupBarrier();
  for (var s = ${REDUCE_WORKGROUP / 2}u; s > 0u; s >>= 1u) {
    if (lid < s) { ${prefix}part[lid] += ${prefix}part[lid + s]; }
    workgroupBarrier();
  }`;
  return `var<workgroup> ${prefix}part: array<f32, ${REDUCE_WORKGROUP / (S ?? 1)}>;
@compute @workgroup_size(${REDUCE_WORKGROUP})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = wid.x;
  var acc = 0.0;
  ${terms.over(stridedShare(rule, c, REDUCE_WORKGROUP, unroll)).join('\n  ')}
  ${combine}
  if (lid == 0u) { ${out} = ${terms.plus('i', done)}; }
}`;
}
