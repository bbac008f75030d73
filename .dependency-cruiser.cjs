// The compiler's layers, lowest first. A module may import from its own
// layer and the ones below, never from one above, and no import cycle may
// close; test/architecture.test.ts checks it on every `npm test`, and
// `npx depcruise --config .dependency-cruiser.cjs src bench web/src` prints
// what breaks it. docs/architecture.md says what each layer owns.
const LAYERS = [
  ['util', '^src/util/'], // files, errors and diagnostics: what everything may use
  ['math', '^src/math/'], // float64 numerics: the FFT, the evaluation metrics
  ['dsl', '^src/dsl/'], // the language: tokens, grammar, AST, checker
  ['ir', '^src/ir/'], // the graph, its text form, the compile target
  ['wgsl', '^src/wgsl/'], // WGSL's vocabulary: literals, bounds, indices, math functions, bindings; the FFT kernel
  ['ops', '^src/ops/'], // one definition per primitive: shape, float64 eval, VJP, WGSL
  ['data', '^src/data/'], // trajectories: generators, files, windows
  ['passes', '^src/passes/'], // AST to graph, and graph to graph
  ['codegen', '^src/codegen/'], // graph to kernels, memory and WGSL
  ['runtime', '^src/runtime/'], // running graphs: float64 interpreter, WebGPU
  ['frontend', '^src/[^/]+[.]ts$'], // the front end's entry (frontend.ts) and goldens (snapshot.ts)
  ['draw', '^src/draw/'], // pictures of graphs, and of a rollout's fields
  ['train', '^src/train/'], // training loops, executors, checkpoints, reports
  ['driver', '^src/driver/'], // the one API over all of it: check, compile, run, train, summary
  ['cli', '^src/cli/'], // the `tx` command
];

const above = (i) =>
  LAYERS.slice(i + 1)
    .map(([, path]) => path)
    .join('|');

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'an import cycle', from: {}, to: { circular: true } },
    ...LAYERS.slice(0, -1).map(([name, path], i) => ({
      name: `${name}-imports-upward`,
      severity: 'error',
      comment: `${name} may not import from a layer above it`,
      from: { path },
      to: { path: above(i) },
    })),
    {
      name: 'src-imports-outside',
      severity: 'error',
      comment: 'the compiler imports nothing from the page, the bench or the tests',
      from: { path: '^src/' },
      to: { path: '^(web|bench|test)/' },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist|[.]out)/' },
  },
};
