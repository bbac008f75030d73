// The playground's bundle: built from src/ (no second compiler), free of
// Node-only modules, every example spec inside, and under the 1 MB budget of
// JavaScript for the initial load (the page, its compiler worker and the
// chunks the two share, all counted).
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

test('the page loads one script, which starts the compiler worker; all of it under 1 MB', () => {
  const html = readFileSync(join(built.outdir, 'index.html'), 'utf8');
  expect([...html.matchAll(/<script[^>]*src="([^"]+)"/g)].map((m) => m[1])).toEqual(['app.js']);
  const chunks = built.files.filter((f) => /^chunk-[A-Z0-9]+\.js$/.test(f));
  expect(built.files.sort()).toEqual(['app.js', ...chunks, 'worker.js'].sort());
  expect(readFileSync(join(built.outdir, 'app.js'), 'utf8')).toContain('worker.js');
  // Nothing is bundled twice: what the page and the worker both use (the lexer, the IR) is in a shared chunk.
  const scripts = Object.entries(built.metafile.outputs).flatMap(([path, o]) => (path.endsWith('.js') ? [o.inputs] : []));
  const twice = Object.keys(built.metafile.inputs).filter((i) => scripts.filter((inputs) => i in inputs).length > 1);
  expect(twice).toEqual([]);
  expect(built.js).toBeLessThan(JS_BUDGET);
  expect(html).toContain('href="app.css"');
  expect(readdirSync(built.outdir).sort()).toEqual(expect.arrayContaining(['app.css', 'app.js', 'worker.js', 'index.html', 'reference.html']));
  console.log(`playground bundle: ${built.js} bytes of JavaScript (${built.jsGzip} gzipped) in ${built.files.length} files, ${built.css} bytes of CSS`);
});

test('the language reference ships beside the page, and the page links to it', () => {
  const html = readFileSync(join(built.outdir, 'index.html'), 'utf8');
  expect(html).toMatch(/<a id="reference" href="reference\.html"/);
  const ref = readFileSync(join(built.outdir, 'reference.html'), 'utf8');
  for (const word of ['emulator', 'config', 'train', 'rollout', 'data file']) expect(ref).toContain(word);
  expect(ref).toMatch(/<h[12][^>]*>/);
});

test('the compiler, runtime and trainer come from src/, and nothing Node-only does', () => {
  const inputs = Object.keys(built.metafile.inputs);
  for (const m of ['src/frontend.ts', 'src/dsl/lexer.ts', 'src/draw/svg.ts', 'src/passes/pipeline.ts', 'src/codegen/plan.ts', 'src/codegen/wgsl.ts', 'src/train/trainer.ts', 'src/train/executors.ts', 'src/train/gpu-executor.ts', 'src/runtime/gpu/device.ts'])
    expect(inputs).toContain(m);
  // The driver's API, the one `tx` uses, but for its Node part.
  for (const m of ['src/driver/check.ts', 'src/driver/compile.ts', 'src/driver/run.ts', 'src/driver/session.ts', 'src/driver/summary.ts', 'src/data/dataset.ts'])
    expect(inputs).toContain(m);
  expect(forbiddenInputs(built.metafile)).toEqual([]);
  expect(inputs.filter((p) => p.startsWith('node:') || /node_modules\/(cli-progress|commander|webgpu)\//.test(p))).toEqual([]);
  // The guard itself sees what it must refuse.
  expect(forbiddenInputs({ inputs: { 'node:fs': {}, 'src/util/files.ts': {}, 'src/driver/node.ts': {}, 'src/data/load.ts': {}, 'src/frontend.ts': {} }, outputs: {} } as never)).toEqual(['node:fs', 'src/util/files.ts', 'src/driver/node.ts', 'src/data/load.ts']);
  // The page parses a picked data file with the CLI's own readers, which touch no file system.
  for (const m of ['src/data/files.ts', 'src/data/npy.ts', 'src/data/json.ts']) expect(inputs).toContain(m);
});

test('every spec in specs/ is in the examples menu', () => {
  const js = readFileSync(join(built.outdir, 'app.js'), 'utf8');
  const specs = findSpecs(join(ROOT, 'specs'));
  expect(specs.length).toBeGreaterThan(30);
  for (const file of specs) expect(js).toContain(JSON.stringify(file.slice(join(ROOT, 'specs').length + 1)));
});
