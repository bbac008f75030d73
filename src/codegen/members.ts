// An ensemble: several independently initialised emulators (APEBench's seeds,
// which it trains together with vmap) trained by one step program. Every
// member has its own copy of each value, parameter, optimizer state and
// minibatch; the kernels are the single run's, and each dispatch runs every
// member at once, its workgroups' z naming the member. A member's copy of a
// bank of the arena lies at `member * floats` past the bank's start (the
// bank's floats of one member), so each access adds that term and nothing
// else changes: a member computes exactly what a single run with its seed
// computes, in the same order, hence the same bits.

/** The WGSL private variable holding a thread's member, set at every entry point. */
export const MEMBER = 'tx_e';

/** The term a member's copy adds to an index into a region of `stride` elements per member; none for a single run. */
export function memberTerm(members: number, stride: number): string {
  return members > 1 ? ` + ${MEMBER} * ${stride}u` : '';
}

/** Its declaration, for a module of an ensemble's step. */
export function memberDecl(members: number): string {
  return members > 1 ? `var<private> ${MEMBER}: u32;\n` : '';
}

/**
 * An entry point's first statement setting the member from its workgroup's
 * z (a workgroup is one member's: its size has z = 1, so a global
 * invocation id's z is the member too), given the builtin vector it declares.
 */
export function memberLoad(members: number, entry: string): string {
  if (members <= 1) return '';
  const builtin = /@builtin\((?:workgroup_id|global_invocation_id)\)\s+(\w+)\s*:/.exec(entry);
  if (!builtin) throw new Error('internal: an entry point of an ensemble step declares no workgroup or invocation id');
  return `  ${MEMBER} = ${builtin[1]}.z;\n`;
}
