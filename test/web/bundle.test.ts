// The playground's bundle: built from src/ (no second compiler), free of
// Node-only modules, every example spec inside, and under the 1 MB budget of
// JavaScript for the initial load.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { JS_BUDGET, buildWeb, forbiddenInputs } from '../../scripts/web.mjs';
import { findSpecs } from '../../src/snapshot.js';

const ROOT = join(import.meta.dirname, '../..');
let tmp: string;
let built: Awaited<ReturnType<typeof buildWeb>>;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'txc-web-bundle-'));
  built = await buildWeb(join(tmp, 'dist'));
}, 60_000);

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

test('the page loads one script, under 1 MB, and its stylesheet', () => {
  const html = readFileSync(join(built.outdir, 'index.html'), 'utf8');
  expect([...html.matchAll(/<script[^>]*src="([^"]+)"/g)].map((m) => m[1])).toEqual(['app.js']);
  expect(built.files).toEqual(['app.js']);
  expect(built.js).toBeLessThan(JS_BUDGET);
  expect(html).toContain('href="app.css"');
  expect(readdirSync(built.outdir).sort()).toEqual(expect.arrayContaining(['app.css', 'app.js', 'index.html']));
  console.log(`playground bundle: ${built.js} bytes of JavaScript (${built.jsGzip} gzipped), ${built.css} bytes of CSS`);
});

test('the compiler, runtime and trainer come from src/, and nothing Node-only does', () => {
  const inputs = Object.keys(built.metafile.inputs);
  for (const m of ['src/frontend.ts', 'src/dsl/lexer.ts', 'src/draw/svg.ts', 'src/passes/pipeline.ts', 'src/codegen/plan.ts', 'src/codegen/wgsl.ts', 'src/train/trainer.ts', 'src/train/executors.ts', 'src/train/gpu-executor.ts', 'src/runtime/gpu/device.ts'])
    expect(inputs).toContain(m);
  expect(forbiddenInputs(built.metafile)).toEqual([]);
  expect(inputs.filter((p) => p.startsWith('node:') || /node_modules\/(cli-progress|commander|webgpu)\//.test(p))).toEqual([]);
  // The guard itself sees what it must refuse.
  expect(forbiddenInputs({ inputs: { 'node:fs': {}, 'src/util/files.ts': {}, 'src/train/session.ts': {}, 'src/frontend.ts': {} }, outputs: {} } as never)).toEqual(['node:fs', 'src/util/files.ts', 'src/train/session.ts']);
});

test('every spec in specs/ is in the examples menu', () => {
  const js = readFileSync(join(built.outdir, 'app.js'), 'utf8');
  const specs = findSpecs(join(ROOT, 'specs'));
  expect(specs.length).toBeGreaterThan(30);
  for (const file of specs) expect(js).toContain(JSON.stringify(file.slice(join(ROOT, 'specs').length + 1)));
});
