// A training run stops between steps, saving its checkpoint, on Ctrl-C
// (SIGINT) and on SIGTERM, which is what SLURM sends a task it cancels or
// whose time is up; a second signal kills as usual.
const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/** Conventional exit status of a process stopped by Ctrl-C. */
export const EXIT_INTERRUPTED = 130;

/** Calls `onStop` at the first stop signal; returns what removes the handlers. */
export function onStopSignal(onStop: () => void): () => void {
  for (const s of STOP_SIGNALS) process.once(s, onStop);
  return () => {
    for (const s of STOP_SIGNALS) process.off(s, onStop);
  };
}
