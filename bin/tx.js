#!/usr/bin/env node
// `tx` entry point. Rebuilds dist/tx.js from src/ when it is missing or
// stale (cheap mtime walk), so a developer never runs an outdated bundle and
// never has to remember `npm run build`; then runs the bundled CLI.
import { buildIfStale } from '../scripts/build.mjs';

process.setSourceMapsEnabled(true); // stack traces point into src/*.ts
try {
  await buildIfStale();
} catch {
  process.exit(1); // esbuild already printed the errors
}
await import('../dist/tx.js');
