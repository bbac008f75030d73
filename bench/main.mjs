#!/usr/bin/env node
// `npm run bench` entry: bundles bench/run.ts (with txc's sources and the
// peer libraries) into bench/.out/run.mjs with esbuild, then runs it.
//
// Bundled rather than imported: tfjs-core's ES modules import their siblings
// without file extensions, which Node's ESM loader rejects, and a bundle puts
// every TF.js package on one copy of tfjs-core (their `module` entries).
// Only `webgpu` (Dawn, a native addon) stays outside.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const outfile = path.join(here, '.out', 'run.mjs');

const esbuild = await import('esbuild');
try {
  await esbuild.build({
    entryPoints: [path.join(here, 'run.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['webgpu'],
    mainFields: ['module', 'main'],
    sourcemap: true,
    logLevel: 'error',
    // Some of the bundled CommonJS (seedrandom, long) calls require().
    banner: { js: "import { createRequire as __txcBenchRequire } from 'node:module'; const require = __txcBenchRequire(import.meta.url);" },
  });
} catch {
  process.exit(1); // esbuild printed the errors
}
process.setSourceMapsEnabled(true);
const { main } = await import(pathToFileURL(outfile).href);
await main(process.argv.slice(2));
