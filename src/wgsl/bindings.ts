// The bindings every kernel of a step may use, declared once: the WGSL
// declarations of a module, the step program's buffers (codegen/bindings.ts)
// and the runtime's bind group layout all come from these records, so a binding's
// number, access and type cannot disagree between them. One bind group, set
// once, serves the whole step; a kernel's module declares every binding of
// its kind of step, and the pipeline layout holds them all.

/** How a kernel sees a buffer: WebGPU's binding types. */
export type BindingType = 'storage' | 'read-only-storage' | 'uniform';

export interface Binding {
  readonly binding: number;
  /** Its name in WGSL. */
  readonly variable: string;
  readonly type: BindingType;
  /** Its WGSL type. */
  readonly data: string;
}

/**
 * The uniform every kernel of a step reads: the batch, then what the
 * optimizer needs, then `z`, always 0, which hides loop bounds from the
 * shader compiler (text.ts, tripCount).
 */
const STEP_STRUCT = 'struct Step { B: u32, lr: f32, c1: f32, c2: f32, z: u32 }';
export const STEP_UNIFORM_BYTES = 32;

/**
 * Arena offsets a dispatch reads from a uniform, at a dynamic offset per
 * dispatch, where another dispatch then shares its module (groupModules):
 * the same layer at every time step is one WGSL module and one pipeline.
 * On lavapipe, which compiles each pipeline with LLVM, this divides compile
 * time by about the rollout length.
 */
export const MAX_OFFSETS = 64;
/** Bytes of one dispatch's offsets; a multiple of every device's uniform offset alignment (at most 256). */
export const OFFSETS_STRIDE = 256;

export const ARENA: Binding = { binding: 0, variable: 'arena', type: 'storage', data: 'array<f32>' };
export const UNIFORM: Binding = { binding: 1, variable: 'u', type: 'uniform', data: 'Step' };
export const STATE: Binding = { binding: 2, variable: 'state', type: 'storage', data: 'OptimizerState' };
export const TRAJECTORIES: Binding = { binding: 3, variable: 'trajectories', type: 'read-only-storage', data: 'array<f32>' };
export const WINDOWS: Binding = { binding: 4, variable: 'windows', type: 'read-only-storage', data: 'array<u32>' };
export const OFFSETS: Binding = { binding: 5, variable: 'tx_off', type: 'uniform', data: 'Offsets' };

/**
 * Bank k >= 1 of an arena larger than one binding may see (codegen/memory.ts):
 * another range of the arena's buffer, under its own binding after the others.
 */
export function bankBinding(k: number): Binding {
  return { binding: OFFSETS.binding + k, variable: bankVariable(k), type: 'storage', data: 'array<f32>' };
}

/** The WGSL variable of bank k (bank 0 is the arena binding every kernel declares). */
export function bankVariable(k: number): string {
  return k === 0 ? ARENA.variable : `${ARENA.variable}${k}`;
}

/** Declarations of banks 1 .. banks-1, for every module of a step whose arena has several. */
export function bankDecls(banks: number): string {
  return [...Array(Math.max(0, banks - 1)).keys()].map((j) => declare(bankBinding(j + 1))).join('');
}

const SPACE: Record<BindingType, string> = { storage: 'storage, read_write', 'read-only-storage': 'storage, read', uniform: 'uniform' };

function declare(b: Binding): string {
  return `@group(0) @binding(${b.binding}) var<${SPACE[b.type]}> ${b.variable}: ${b.data};\n`;
}

/** The bindings of a graph's kernels: the arena, the step uniform, the dispatch's offsets. */
export const KERNEL_DECLS = `${STEP_STRUCT}
struct Offsets { o: array<vec4<u32>, ${MAX_OFFSETS / 4}> }
${[ARENA, UNIFORM, OFFSETS].map(declare).join('')}`;

/**
 * Declarations for every kernel of a training step: the graph's, and the
 * optimizer's state, the data and the minibatch's window ids. An ensemble's
 * members each have their `halted` flag.
 */
export function trainDecls(members = 1): string {
  const halted = members > 1 ? `array<atomic<u32>, ${members}>` : 'atomic<u32>';
  return `${KERNEL_DECLS}// A non-finite loss sets \`halted\`: from then on no update is applied.
struct OptimizerState { halted: ${halted}, values: array<f32> }
${[STATE, TRAJECTORIES, WINDOWS].map(declare).join('')}`;
}
