// The global norms of a step, for a run that clips its gradients
// (optax.clip_by_global_norm): the l2 norm of every gradient together, which
// the optimizer scales them by, and, since it costs one more sum here, the
// l2 norm of the parameters the step's loss was computed with. One workgroup
// sums both: every parameter's update needs the whole sum first, so it is a
// phase of its own before the optimizer, never a part of it. The host reads
// both back beside the loss.
import type { OptimizerPlan } from './optimizer.js';
import { memberStateFloats, normsAt, parameterCount } from './optimizer.js';
import { memberTerm } from './members.js';
import { MERGED_WORKGROUP } from './sum-wgsl.js';
import type { Names, Phase } from './wgsl.js';

export function normsPhase(p: OptimizerPlan): Phase {
  const at = normsAt(p);
  if (at === undefined) throw new Error('internal: norms of a step that does not clip');
  const W = MERGED_WORKGROUP;
  // `+ u.z` (always 0) keeps the shader compiler from unrolling constant-bound loops (text.ts, tripCount).
  const strided = (n: number, body: string) => `for (var i = lid; i < ${n}u + u.z; i += ${W}u) { ${body} }`;
  const a = memberTerm(p.members, p.arenaStride);
  const s = memberTerm(p.members, memberStateFloats(p));
  const emit = ({ prefix }: Names) => {
    const fn = `${prefix}norms_sweep`;
    const grads = p.tensors.map((t) => `  ${strided(t.size, `let g = arena[${t.grad}u + i${a}]; g2 += g * g;`)}`);
    const code = `// norms: the global l2 norm of ${p.tensors.length} gradient(s) and of the ${parameterCount(p)} parameters, into state.values[${at}u..]
fn ${fn}(lid: u32) {
  var g2 = 0.0;
  var w2 = 0.0;
${grads.join('\n')}
  ${strided(parameterCount(p), `let w = state.values[i${s}]; w2 += w * w;`)}
  tx_part[lid] = g2;
  tx_part[${W}u + lid] = w2;
  workgroupBarrier();
  if (lid == 0u) {
    var a = 0.0;
    var b = 0.0;
    for (var r = 0u; r < ${W}u + u.z; r++) { a += tx_part[r]; b += tx_part[${W}u + r]; }
    state.values[${at}u${s}] = sqrt(a);
    state.values[${at + 1}u${s}] = sqrt(b);
  }
  workgroupBarrier();
}
`;
    return { fn, code: '', sweep: { fn, code, defs: '' } };
  };
  return { name: 'norms', label: 'norms', emit, count: `${W}u`, threads: () => W, workgroup: W, merge: true, hasSweep: true, sweepAlone: true, offsets: [], reads: 'all', writes: 'all' };
}
