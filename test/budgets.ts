// How long a test may take, from what it does, on the 2-core CI machine with
// an empty Mesa shader cache (where lavapipe compiles every kernel afresh).
// A budget is several times what was measured there, so that a slower
// machine passes; a test past it is stuck, not slow.

/**
 * One `tx` process: Node's start-up and the bundle's load (about 0.5 s), and
 * for a command that runs on the GPU the cold compile of a small spec's
 * kernels (at most 3 s on lavapipe, see the README's "Compile time").
 */
const PER_PROCESS_MS = 10_000;

/** The budget of a test that spawns up to `processes` `tx` processes, one after another. */
export function spawning(processes: number): { timeout: number } {
  return { timeout: processes * PER_PROCESS_MS };
}

/**
 * One spec's training-step kernels compiled cold on lavapipe: at most 4.4 s
 * measured, with the other test files sharing the two cores.
 */
const PER_COMPILE_MS = 30_000;

/** The budget of a test that compiles up to `programs` GPU programs (and runs them briefly). */
export function compiling(programs: number): { timeout: number } {
  return { timeout: programs * PER_COMPILE_MS };
}
