#!/usr/bin/env node
// The playground: bundles web/ (and the compiler and runtime from src/) for a
// browser with esbuild, and serves it on localhost with esbuild's own server.
//   node scripts/web.mjs               build into web/dist, serve, rebuild on change
//   node scripts/web.mjs --build       build only; print the sizes
//   node scripts/web.mjs --port 8080   this port (default: 8000, or the next free one up to 8019)
// WebGPU needs a secure context: http://localhost is one, a LAN address is not.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const webDir = path.join(root, 'web');
export const defaultOutdir = path.join(webDir, 'dist');
/** The budget for the page's initial load of JavaScript. */
export const JS_BUDGET = 1_000_000;

/**
 * Modules that must never reach the bundle: Node built-ins, the CLI's packages,
 * and src/ modules that read or write files (src/util/ but its JSON descriptions
 * and its diagnostics). A page importing one of them is a
 * bug in the page's imports (or a module that should be split).
 */
const FORBIDDEN = [/^node:/, /(^|\/)node_modules\/(cli-progress|commander|webgpu|diff)\//, /^src\/cli\//, /^src\/util\/(?!(describe|diagnostics|suggest)\.ts$)/, /^src\/data\/load\.ts$/, /^src\/train\/(outputs|progress|quickstart)\.ts$/, /^src\/driver\/node\.ts$/, /^src\/snapshot\.ts$/];

/** Every spec in specs/, as the virtual module `txc:examples`. */
function examplesPlugin() {
  const specs = path.join(root, 'specs');
  const list = (dir) =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
      const p = path.join(dir, e.name);
      return e.isDirectory() ? list(p) : e.name.endsWith('.tx') ? [p] : [];
    });
  return {
    name: 'txc-examples',
    setup(build) {
      build.onResolve({ filter: /^txc:examples$/ }, () => ({ path: 'examples', namespace: 'txc-examples' }));
      build.onLoad({ filter: /.*/, namespace: 'txc-examples' }, () => {
        const files = list(specs).sort();
        const examples = files.map((f) => ({ path: path.relative(specs, f).split(path.sep).join('/'), text: fs.readFileSync(f, 'utf8') }));
        return { contents: `export default ${JSON.stringify(examples)};`, loader: 'js', watchFiles: files, watchDirs: [specs] };
      });
    },
  };
}

/**
 * The browser's stand-in for the npm `webgpu` package (Dawn, a Node addon),
 * which src/runtime/gpu/device.ts imports only where navigator.gpu is missing.
 */
function browserStubsPlugin() {
  return {
    name: 'txc-browser-stubs',
    setup(build) {
      build.onResolve({ filter: /^webgpu$/ }, () => ({ path: path.join(webDir, 'src/stubs/webgpu.ts') }));
    },
  };
}

/**
 * The language reference, shipped beside the page as reference.html (the
 * header links to it): docs/language.md and docs/semantics.md where they
 * exist, else the README's "The language" section. Rendered at build time, so
 * it costs the page's JavaScript nothing, works offline, and is always the
 * reference of the compiler the page holds.
 */
export function referenceSources() {
  const docs = ['docs/language.md', 'docs/semantics.md'].map((p) => path.join(root, p)).filter((p) => fs.existsSync(p));
  if (docs.length) return docs.map((p) => ({ file: p, markdown: fs.readFileSync(p, 'utf8') }));
  const readme = path.join(root, 'README.md');
  const text = fs.readFileSync(readme, 'utf8');
  const start = text.indexOf('\n## The language');
  const end = text.indexOf('\n## ', start + 1);
  return [{ file: readme, markdown: `# The txc language\n${text.slice(start, end < 0 ? undefined : end).replace(/^## The language\n/m, '')}` }];
}

function referencePlugin() {
  return {
    name: 'txc-reference',
    setup(build) {
      build.onEnd(async (r) => {
        if (r.errors.length) return;
        const { marked } = await import('marked');
        const body = referenceSources().map((s) => marked.parse(s.markdown, { async: false })).join('\n<hr>\n');
        fs.writeFileSync(path.join(build.initialOptions.outdir, 'reference.html'), REFERENCE_PAGE.replace('%BODY%', () => body));
      });
    },
  };
}

const REFERENCE_PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>txc language reference</title>
  <style>
    body { max-width: 860px; margin: 0 auto; padding: 16px 24px 60px; font: 15px/1.55 system-ui, sans-serif; color: #1d1f24; }
    code, pre { font-family: ui-monospace, 'DejaVu Sans Mono', Menlo, Consolas, monospace; font-size: 13px; }
    pre { background: #f6f7f9; padding: 10px 14px; overflow: auto; border-radius: 6px; }
    table { border-collapse: collapse; margin: 8px 0; } td, th { border: 1px solid #e2e3e8; padding: 4px 8px; vertical-align: top; }
    a { color: #1f5fa8; }
  </style>
</head>
<body>
<p><a href="./">&larr; the playground</a></p>
%BODY%
</body>
</html>
`;

export function buildOptions(outdir = defaultOutdir) {
  return {
    absWorkingDir: root,
    entryPoints: [
      { in: path.join(webDir, 'src/main.ts'), out: 'app' },
      // The compiler runs in a Web Worker (the page never freezes on a long rollout).
      { in: path.join(webDir, 'src/worker.ts'), out: 'worker' },
      { in: path.join(webDir, 'index.html'), out: 'index' },
    ],
    loader: { '.html': 'copy' },
    outdir,
    bundle: true,
    // The page and the worker share most of src/ (the lexer, the IR, codegen): in shared chunks, loaded once.
    splitting: true,
    chunkNames: 'chunk-[hash]',
    format: 'esm',
    platform: 'browser',
    target: ['chrome113', 'firefox121', 'safari17'],
    minify: true,
    sourcemap: 'linked',
    metafile: true,
    legalComments: 'linked',
    plugins: [examplesPlugin(), browserStubsPlugin(), referencePlugin()],
    logLevel: 'silent',
  };
}

/** Inputs of the bundle that a page must not carry; empty when it is clean. */
export function forbiddenInputs(metafile) {
  return Object.keys(metafile.inputs).filter((p) => FORBIDDEN.some((re) => re.test(p)));
}

/** Bytes of JavaScript the page loads, raw and gzipped (what a server with compression sends). */
export function bundleSizes(outdir, metafile) {
  const js = Object.keys(metafile.outputs).filter((p) => p.endsWith('.js'));
  let bytes = 0;
  let gzip = 0;
  for (const p of js) {
    const data = fs.readFileSync(path.resolve(root, p));
    bytes += data.length;
    gzip += zlib.gzipSync(data, { level: 9 }).length;
  }
  const css = Object.keys(metafile.outputs).filter((p) => p.endsWith('.css')).reduce((a, p) => a + fs.statSync(path.resolve(root, p)).size, 0);
  return { js: bytes, jsGzip: gzip, css, files: js.map((p) => path.relative(outdir, path.resolve(root, p))) };
}

function check(result, outdir) {
  const bad = forbiddenInputs(result.metafile);
  if (bad.length) throw new Error(`the page's bundle holds Node-only modules: ${bad.join(', ')}`);
  const sizes = bundleSizes(outdir, result.metafile);
  if (sizes.js > JS_BUDGET) throw new Error(`the page loads ${sizes.js} bytes of JavaScript, over the ${JS_BUDGET}-byte budget`);
  return sizes;
}

/** Builds the page into `outdir`; throws on errors, a Node-only input, or a bundle over budget. */
export async function buildWeb(outdir = defaultOutdir) {
  const esbuild = await import('esbuild');
  fs.rmSync(outdir, { recursive: true, force: true });
  let result;
  try {
    result = await esbuild.build(buildOptions(outdir));
  } catch (e) {
    throw new Error(await formatErrors(esbuild, e));
  }
  return { outdir, metafile: result.metafile, ...check(result, outdir) };
}

/**
 * Builds, then serves `outdir` on localhost with esbuild's server, rebuilding
 * when a source changes (`watch`). `port` 0 takes any free port; `tries` > 1
 * moves on to the next ports while one is taken. Returns the URL and a stop
 * function.
 */
export async function serveWeb({ outdir = defaultOutdir, port = 8000, tries = 1, host = '127.0.0.1', watch = false, quiet = false } = {}) {
  const esbuild = await import('esbuild');
  // Before anything is built: a second server must not wipe the first one's folder.
  const free = await freePort(host, port, tries);
  fs.rmSync(outdir, { recursive: true, force: true });
  const ctx = await esbuild.context({
    ...buildOptions(outdir),
    plugins: [...buildOptions(outdir).plugins, reportPlugin(quiet)],
  });
  try {
    const first = await ctx.rebuild();
    const sizes = check(first, outdir);
    if (watch) await ctx.watch();
    const served = await ctx.serve({ servedir: outdir, port: free, host });
    const url = `http://${host === '127.0.0.1' ? 'localhost' : host}:${served.port}/`;
    return { url, port: served.port, sizes, stop: () => ctx.dispose() };
  } catch (e) {
    await ctx.dispose();
    throw new Error(await formatErrors(esbuild, e));
  }
}

/** The first of `tries` ports from `port` that nobody listens on (0: any). */
async function freePort(host, port, tries) {
  if (port === 0) return 0;
  for (let p = port; p < port + tries; p++) {
    const ok = await new Promise((resolve) => {
      const probe = net.createServer();
      probe.once('error', () => resolve(false));
      probe.listen(p, host, () => probe.close(() => resolve(true)));
    });
    if (ok) return p;
  }
  throw new Error(tries > 1 ? `ports ${port} to ${port + tries - 1} are all taken; choose one with --port` : `port ${port} is taken; choose another with --port`);
}

/** In watch mode, says when a change rebuilt the page (the server keeps the last good build when one fails). */
function reportPlugin(quiet) {
  return {
    name: 'txc-report',
    setup(build) {
      let last;
      build.onEnd((r) => {
        if (quiet) return;
        if (r.errors.length) {
          process.stderr.write(`web: rebuild failed (${r.errors.length} error${r.errors.length > 1 ? 's' : ''}); serving the last good build\n`);
          return;
        }
        const js = Object.keys(r.metafile?.outputs ?? {}).find((p) => p.endsWith('.js'));
        const digest = js ? createHash('sha256').update(fs.readFileSync(path.resolve(root, js))).digest('hex') : '';
        if (last !== undefined && digest !== last) {
          const bad = forbiddenInputs(r.metafile);
          process.stderr.write(bad.length ? `web: WARNING: Node-only modules in the bundle: ${bad.join(', ')}\n` : `web: rebuilt\n`);
        }
        last = digest;
      });
    },
  };
}

async function formatErrors(esbuild, e) {
  if (!e?.errors?.length) return e?.message ?? String(e);
  const msgs = await esbuild.formatMessages(e.errors, { kind: 'error', color: false });
  return msgs.join('\n');
}

export function sizeText(s) {
  const kb = (b) => `${(b / 1000).toFixed(1)} kB`;
  return `JavaScript ${kb(s.js)} (${kb(s.jsGzip)} gzipped; budget ${kb(JS_BUDGET)}), CSS ${kb(s.css)}`;
}

if (process.argv[1] && pathToFileURL(path.resolve(process.argv[1])).href === import.meta.url) {
  const args = process.argv.slice(2);
  const flag = (name) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  try {
    if (args.includes('--build')) {
      const r = await buildWeb();
      process.stdout.write(`built ${path.relative(root, r.outdir)}/: ${sizeText(r)}\n`);
    } else {
      const port = flag('--port');
      const s = await serveWeb({ port: Number(port ?? 8000), tries: port === undefined ? 20 : 1, watch: true });
      process.stdout.write(`built ${path.relative(root, defaultOutdir)}/: ${sizeText(s.sizes)}\n`);
      process.stdout.write(`the txc playground is at ${s.url}  (Ctrl-C stops; edits to web/ and src/ rebuild)\n`);
    }
  } catch (e) {
    process.stderr.write(`web: ${e.message}\n`);
    process.exit(1);
  }
}
