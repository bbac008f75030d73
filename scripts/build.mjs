#!/usr/bin/env node
// Bundles the CLI (src/cli/main.ts) into dist/tx.js with esbuild.
//   node scripts/build.mjs             always rebuild
//   node scripts/build.mjs --if-stale  rebuild only if src/ changed (setup.sh)
// bin/tx.js imports buildIfStale() so `tx` never runs an outdated bundle.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const entry = path.join(root, 'src/cli/main.ts');
export const outfile = path.join(root, 'dist/tx.js');

function newestMtime(dir) {
  let newest = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    const t = e.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs;
    if (t > newest) newest = t;
  }
  return newest;
}

/** True when dist/tx.js is missing or older than anything under src/ (or this script). */
export function isStale() {
  let built;
  try { built = fs.statSync(outfile).mtimeMs; } catch { return true; }
  if (!fs.existsSync(path.join(root, 'src'))) return false; // installed package: dist only
  return Math.max(newestMtime(path.join(root, 'src')), fs.statSync(fileURLToPath(import.meta.url)).mtimeMs) > built;
}

export async function build() {
  // Loaded lazily: esbuild is a devDependency, and a fresh dist must not need it.
  const esbuild = await import('esbuild');
  const result = esbuild.buildSync({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: true,
    write: false,
    logLevel: 'error',
  });
  // Write via rename so a concurrent `tx` (e.g. parallel test workers) never
  // imports a half-written bundle.
  fs.mkdirSync(path.dirname(outfile), { recursive: true });
  for (const f of result.outputFiles) {
    const tmp = `${f.path}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, f.contents);
    fs.renameSync(tmp, f.path);
  }
}

export async function buildIfStale() {
  if (isStale()) await build();
}

if (process.argv[1] && pathToFileURL(path.resolve(process.argv[1])).href === import.meta.url) {
  try {
    if (process.argv.includes('--if-stale')) await buildIfStale();
    else await build();
  } catch {
    // esbuild already printed the errors (logLevel 'error').
    process.exit(1);
  }
}
