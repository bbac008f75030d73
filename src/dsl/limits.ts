// The largest specs the compiler accepts: far beyond any experiment, but small
// enough that every stage (parser, checker, unrolled graph, passes, shaders)
// stays bounded, so a careless or hostile file gets a diagnostic instead of a
// stack overflow, a huge allocation or a long hang. The README's "Limits"
// paragraph lists these; change both together.

/** Characters in one spec file (256 KiB of ASCII): `tx check` reads one in well under a second. */
export const MAX_SOURCE_CHARS = 1 << 18;

/** Brackets ({ [ () open at once, composites included, and '-' in a row. */
export const MAX_NESTING = 64;

/** Numbers, names and calls in one stepper or residuum expression. */
export const MAX_EXPR_TERMS = 1000;

/** Time levels of one configuration: rollout, branch, post_physics, a mix chain, 'every N'. */
export const MAX_ROLLOUT = 1000;

/** Emulator, reference and residuum calls of all configurations unrolled together. */
export const MAX_UNROLLED_CALLS = 20_000;

/** Sub-steps per call of a built-in solver (each is inlined into the graph). */
export const MAX_SUBSTEPS = 100;

/** Points of an ETDRK contour mean (each is evaluated once per mode, on the host). */
export const MAX_CIRCLE_POINTS = 1024;

/** Grid points of a generated data set. */
export const MAX_POINTS = 4096;

/** Channels of a convolution, width of an mlp layer. */
export const MAX_CHANNELS = 4096;

/** Layers of a network (a conv's channel chain, an mlp's depth), blocks of a resnet. */
export const MAX_LAYERS = 64;

/** Taps of a convolution kernel along one axis (unrolled in its shaders). */
export const MAX_KERNEL = 128;

/** Halvings of a UNet: 2^12 points per axis is already past MAX_POINTS. */
export const MAX_UNET_LEVELS = 12;

/** Other counts: trajectories, snapshots, training steps, batch, warm-up, modes. */
export const MAX_COUNT = 10_000_000;

/** Numbers in a generated data set, all trajectories together (2 GiB of float64). */
export const MAX_DATA_VALUES = 1 << 28;

/** Largest magnitude of a real number: the GPU computes in 32-bit floats. */
export const MAX_REAL = 3.4028234663852886e38;

/** Cells of a study (the product of its vary lists), and repeats of each. */
export const MAX_STUDY_CELLS = 1000;
export const MAX_STUDY_SEEDS = 1000;
/** Characters checked for a study: every cell re-checks the file (1000 cells of a 4 KiB spec). */
export const MAX_STUDY_CHECKED_CHARS = 1 << 22;

/** Errors reported per file; more are summed up in one last diagnostic. */
export const MAX_DIAGNOSTICS = 100;

/** Where a limit's diagnostic sends the user. */
export const LIMITS_HINT = 'docs/language.md lists the limits under Limits';
