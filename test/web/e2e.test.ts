// The playground end to end, in Debian's Chromium (headless, WebGPU on): the
// page is built and served as `npm run web` does, then driven like a person
// would. Screenshots and downloads land in out/web/.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { serveWeb } from '../../scripts/web.mjs';
import { decodeState } from '../../web/src/url.js';
import { summary } from '../../src/driver/summary.js';
import type { Mark } from '../../src/draw/fields.js';
import { specRun, trainRun } from '../train/helpers.js';
import { launchChromium } from './browser.js';

const ROOT = join(import.meta.dirname, '../..');
const OUT = join(ROOT, 'out/web');
const QUICKSTART = 'quickstart/rollout5.tx';
const STEPS = 100;
/** The blue of the loss curve (web/src/plot.ts). */
const CURVE = [0x1f, 0x5f, 0xa8];

let tmp: string;
let server: Awaited<ReturnType<typeof serveWeb>> | undefined;
let browser: Browser | undefined;
/** `tx train` on the same spec, seed and steps, per device, run while the browser starts. */
let cli: Record<'gpu' | 'cpu', Promise<string>>;
const CPU_STEPS = 20;

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  tmp = mkdtempSync(join(tmpdir(), 'txc-web-'));
  const txTrain = async (device: string, steps: number) => {
    const out = join(tmp, `cli-${device}`);
    await promisify(execFile)(process.execPath, [join(ROOT, 'bin/tx.js'), 'train', join(ROOT, 'specs', QUICKSTART), '--steps', String(steps), '--device', device, '-o', out], { cwd: ROOT });
    return out;
  };
  cli = { gpu: txTrain('gpu', STEPS), cpu: txTrain('cpu', CPU_STEPS) };
  for (const p of Object.values(cli)) p.catch(() => {}); // awaited (and reported) by the test
  server = await serveWeb({ outdir: join(tmp, 'dist'), port: 0, quiet: true });
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  for (const p of Object.values(cli ?? {})) await p.catch(() => {});
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** A page that fails the test on any uncaught error or console error; returned once `ready` shows. */
async function open(hash = '', init?: () => void, ready = '#verdict.ok, #verdict.error, #verdict.waiting'): Promise<{ page: Page; errors: string[] }> {
  const context = await browser!.newContext({ viewport: { width: 1440, height: 900 }, acceptDownloads: true });
  if (init) await context.addInitScript(init);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  await page.goto(server!.url + hash);
  await page.waitForSelector(ready);
  return { page, errors };
}

/** Trains on `device` for `steps` steps; the summary and the losses the page shows. */
async function trainInPage(page: Page, device: 'gpu' | 'cpu', steps: number): Promise<{ summary: string; losses: number[] }> {
  await page.selectOption('#device', device);
  await page.fill('#steps', String(steps));
  await page.click('#train');
  await page.waitForSelector('#summary.done, #summary.failed, #summary.nonfinite', { timeout: 90_000 });
  const summary = (await page.textContent('#summary'))!;
  expect(await page.getAttribute('#summary', 'class')).toBe('code done');
  expect(summary).toMatch(new RegExp(`^trained ${QUICKSTART} \\(config main: supervised rollout 5\\) on ${device}: ${steps} steps in [\\d.]+ s \\((?:[\\d.]+ s compiling and the first steps, then )?[\\d.]+ steps/s, [\\d.]+ GFLOP/s\\)\nloss `));
  return { summary, losses: lossesOf((await page.textContent('#losses'))!) };
}

/** The loss column of a loss.csv (the norms follow it where the run logged them). */
function lossesOf(csv: string): number[] {
  const [head, ...rows] = csv.trim().split('\n');
  expect(head).toMatch(/^step,epoch,loss(,grad_norm,weight_norm)?$/);
  rows.forEach((r, i) => expect(r.split(',')[0]).toBe(String(i)));
  return rows.map((r) => Number(r.split(',')[2]));
}

function expectSameLosses(page: number[], cli: number[], rel: number): void {
  expect(page).toHaveLength(cli.length);
  const worst = Math.max(...page.map((x, i) => Math.abs(x - cli[i]!) / Math.abs(cli[i]!)));
  expect(worst, `page ${page.join(', ')}\ncli  ${cli.join(', ')}`).toBeLessThanOrEqual(rel);
}

const editorText = (page: Page) => page.evaluate(() => Array.from(document.querySelectorAll('.cm-content > .cm-line'), (l) => l.textContent).join('\n'));

/** Shows a view's tab and returns its text once the worker has sent it: it sends a tab's text when the tab is shown. */
async function showTab(page: Page, name: string): Promise<string> {
  await page.click(`[data-tab=${name}]`);
  await page.waitForFunction((n) => (document.getElementById(`pane-${n}`)?.textContent ?? '') !== '', name);
  return (await page.textContent(`#pane-${name}`))!;
}

describe('the playground in Chromium', () => {
  test('quickstart: pick it, see it drawn, train it, download the parameters; then an error underlined where it is', async () => {
    const { page, errors } = await open('#example=showcase/supervised-one-step.tx');
    const source = readFileSync(join(ROOT, 'specs', QUICKSTART), 'utf8');

    // WebGPU is on in this browser.
    await page.waitForSelector('body[data-webgpu]');
    expect(await page.getAttribute('body', 'data-webgpu')).toBe('true');
    expect(await page.isHidden('#no-webgpu')).toBe(true);

    // Pick the quickstart from the examples menu: the editor holds it, the URL too.
    const options = await page.$$eval('#examples option', (os) => os.map((o) => (o as HTMLOptionElement).value).filter(Boolean));
    expect(options).toContain(QUICKSTART);
    expect(options.length).toBeGreaterThan(30);
    await page.selectOption('#examples', QUICKSTART);
    await page.waitForFunction(() => document.querySelector('#pane-draw svg title')?.textContent?.includes('rollout 5'));
    expect(await editorText(page)).toBe(source);
    expect(decodeState(new URL(page.url()).hash).spec).toBe(source);

    // The drawing: five emulator steps.
    expect(await page.locator('#pane-draw svg g.node.emulator').count()).toBe(5);
    expect(await page.textContent('#verdict')).toContain('ok');

    // The other views are there and are the compiler's.
    expect(await showTab(page, 'ir')).toMatch(/^%u5 += call emulator\(%u4\) +f32\[B,1,30\]  grad$/m);
    expect(await showTab(page, 'plan')).toMatch(/^# config main: supervised rollout 5\n# target cpu, batch 32: [\d.]+ MFLOP, \d+ kernels/);
    expect(await showTab(page, 'wgsl')).toContain('@compute @workgroup_size(');
    expect(await showTab(page, 'stats')).toContain('dispatches per step');
    await page.click('[data-tab=draw]');

    // The editor wraps long lines between `key value` pairs, never inside one.
    const pairs = await page.$$eval('.cm-content .tx-pair', (ps) => ps.map((p) => ({ text: p.textContent, lines: new Set(Array.from(p.getClientRects(), (r) => Math.round(r.top))).size })));
    expect(pairs.map((p) => p.text)).toContain('cfl -0.75');
    expect(pairs.filter((p) => p.lines !== 1)).toEqual([]);

    // Train for 100 steps on the GPU (the page's choice once WebGPU answers): first the
    // kernels are compiled, said with their own time, then steps/s counts training only.
    expect(await page.inputValue('#device')).toBe('gpu');
    await page.evaluate(() => {
      const seen: string[] = ((window as unknown as { progress: string[] }).progress = []);
      const p = document.getElementById('progress')!;
      new MutationObserver(() => seen.push(p.textContent ?? '')).observe(p, { childList: true, characterData: true, subtree: true });
    });
    const gpu = await trainInPage(page, 'gpu', STEPS);
    const seen = await page.evaluate(() => (window as unknown as { progress: string[] }).progress);
    expect(seen[0]).toBe('compiling…');
    // The training step's distinct pipelines, as tx train counts them: the quickstart's rollout 5 has three.
    const kernels = 3;
    expect(seen[1]).toBe(`compiling ${kernels} kernels…`);
    expect(await page.textContent('#progress')).toMatch(new RegExp(`^compiled ${kernels} kernels in [\\d.]+ s · step ${STEPS} / ${STEPS} · epoch \\d+ · loss \\S+ · \\d+ steps/s$`));
    expect(gpu.summary).toContain('rollout nRMSE (per sample ||pred - ref|| / ||ref||, mean)');
    expect(gpu.summary).toMatch(/learned kernel \[0\.2\d+, 0\.7\d+\], upwind stencil \[1\+CFL, -CFL\] = \[0\.2500, 0\.7500\]/);
    // The loss falls ...
    expect(gpu.losses).toHaveLength(STEPS);
    expect(gpu.losses.at(-1)!).toBeLessThan(gpu.losses[0]! / 10);
    // ... through the numbers `tx train --device gpu` gives with the same seed: the same
    // program. Not to the bit: here WGSL runs on Chromium's SwiftShader, there on Mesa's
    // lavapipe under Dawn, and the two round float32 differently (a few ulps).
    const cliGpu = await cli.gpu;
    expectSameLosses(gpu.losses.slice(0, 20), lossesOf(readFileSync(join(cliGpu, 'loss.csv'), 'utf8')).slice(0, 20), 1e-6);

    // The plot is drawn: every step, and the curve's pixels on the canvas.
    expect(await page.getAttribute('#chart', 'data-points')).toBe(String(STEPS));
    const curvePixels = await page.evaluate((rgb) => {
      const canvas = document.querySelector('#chart canvas') as HTMLCanvasElement;
      const px = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let n = 0;
      for (let i = 0; i < px.length; i += 4) if (Math.abs(px[i]! - rgb[0]!) < 40 && Math.abs(px[i + 1]! - rgb[1]!) < 40 && Math.abs(px[i + 2]! - rgb[2]!) < 40) n++;
      return n;
    }, CURVE);
    expect(curvePixels).toBeGreaterThan(200);
    // With the summary below it, the chart keeps its height (it was squashed to ~60 px).
    expect(await page.evaluate(() => document.getElementById('chart')!.clientHeight)).toBeGreaterThanOrEqual(180);
    await page.screenshot({ path: join(OUT, 'playground-trained.png') });

    // Download the parameters: safetensors (F32) and JSON, the files `tx train` writes.
    const saved: Record<string, Buffer> = {};
    for (const [button, file] of [
      ['#dl-safetensors', 'params.safetensors'],
      ['#dl-json', 'params.json'],
    ] as const) {
      const [download] = await Promise.all([page.waitForEvent('download'), page.click(button)]);
      expect(download.suggestedFilename()).toBe(file);
      await download.saveAs(join(OUT, file));
      saved[file] = readFileSync(join(OUT, file));
    }
    const json = JSON.parse(saved['params.json']!.toString()) as Record<string, { shape: number[]; data: number[] }>;
    const cliJson = JSON.parse(readFileSync(join(cliGpu, 'params.json'), 'utf8')) as typeof json;
    expect(Object.keys(json)).toEqual(['layers.0.weight']);
    expect(json['layers.0.weight']!.shape).toEqual([1, 1, 2]);
    json['layers.0.weight']!.data.forEach((x, i) => expect(x).toBeCloseTo(cliJson['layers.0.weight']!.data[i]!, 4));
    const st = saved['params.safetensors']!;
    const headerBytes = Number(st.readBigUInt64LE(0));
    const header = JSON.parse(st.subarray(8, 8 + headerBytes).toString());
    expect(header).toEqual({ 'layers.0.weight': { dtype: 'F32', shape: [1, 1, 2], data_offsets: [0, 8] } });
    const weights = new Float32Array(st.buffer.slice(st.byteOffset + 8 + headerBytes, st.byteOffset + st.length));
    expect([...weights]).toEqual(json['layers.0.weight']!.data.map(Math.fround));

    // The float64 reference in the page, against `tx train --device cpu`: the same
    // program to the last few float64 ulps (V8's Math.sin and ** in Chromium and in
    // Node round a few arguments differently; the page's code, run in Node, gives
    // the CLI's losses bit for bit: test/web/page.test.ts).
    const cpu = await trainInPage(page, 'cpu', CPU_STEPS);
    expect(cpu.summary).toMatch(new RegExp(`^trained ${QUICKSTART} \\(config main: supervised rollout 5\\) on cpu: ${CPU_STEPS} steps`));
    expectSameLosses(cpu.losses, lossesOf(readFileSync(join(await cli.cpu, 'loss.csv'), 'utf8')), 1e-13);

    // Type an error: the underline sits on line 6 under the word, with the checker's message.
    await page.locator('.cm-content > .cm-line').nth(5).click();
    await page.keyboard.press('End');
    await page.keyboard.type(' cut_bpt');
    await page.waitForSelector('.cm-lintRange-error');
    const underline = await page.evaluate(() => {
      const u = document.querySelector('.cm-lintRange-error')!;
      const lines = Array.from(document.querySelectorAll('.cm-content > .cm-line'));
      return { line: lines.indexOf(u.closest('.cm-line')!) + 1, text: u.textContent, count: document.querySelectorAll('.cm-lintRange-error').length };
    });
    expect(underline).toEqual({ line: 6, text: 'cut_bpt', count: 1 });
    const message = "unknown option 'cut_bpt' for a supervised configuration";
    expect(await page.textContent('#diagnostics li[data-line="6"] .message')).toBe(message);
    expect(await page.textContent('#diagnostics li .hint')).toBe("hint: did you mean 'cut_bptt'?");
    await page.hover('.cm-lintRange-error');
    await page.waitForSelector('.cm-tooltip-lint');
    expect(await page.textContent('.cm-tooltip-lint')).toContain(message);
    expect(await page.isDisabled('#train')).toBe(true);
    expect(await page.inputValue('#examples')).toBe('');
    await page.screenshot({ path: join(OUT, 'playground-error.png') });

    // The link holds the edited spec: opened afresh, it shows the same text and error.
    const link = page.url();
    expect(decodeState(new URL(link).hash).spec).toBe(source.replace('rollout 5', 'rollout 5 cut_bpt'));
    const again = await open(new URL(link).hash);
    expect(await editorText(again.page)).toBe(source.replace('rollout 5', 'rollout 5 cut_bpt'));
    await again.page.waitForSelector('.cm-lintRange-error');
    expect(await again.page.textContent('#diagnostics li .message')).toBe(message);
    await again.page.context().close();

    expect(errors).toEqual([]);
    await page.context().close();
  }, 180_000);

  test('without WebGPU the page says so, and still checks, draws and shows the IR', async () => {
    const { page, errors } = await open(`#example=${encodeURIComponent('showcase/diverted-three-step-branch-two.tx')}`, () => {
      delete (Navigator.prototype as { gpu?: unknown }).gpu;
    });
    await page.waitForSelector('body[data-webgpu="false"]');
    expect(await page.isVisible('#no-webgpu')).toBe(true);
    expect(await page.textContent('#no-webgpu')).toContain('This browser has no WebGPU');
    expect(await page.textContent('#gpu')).toBe('WebGPU: not available');
    expect(await page.textContent('#verdict')).toContain('ok');
    expect(await page.locator('#pane-draw svg g.node.emulator').count()).toBeGreaterThan(0);
    expect(await showTab(page, 'ir')).toContain('call emulator(');
    await page.click('[data-tab=draw]');
    await page.screenshot({ path: join(OUT, 'playground-no-webgpu.png') });
    expect(errors).toEqual([]);
    await page.context().close();
  }, 60_000);
  test('a wide drawing scrolls, with a scrollbar to see; the language reference is a click away', async () => {
    const { page, errors } = await open('#example=lorenz/mlp.tx');
    await page.waitForSelector('#pane-draw svg');
    const pane = await page.evaluate(() => {
      const p = document.getElementById('pane-draw')!;
      return { scroll: p.scrollWidth, client: p.clientWidth, scrollbar: p.offsetHeight - p.clientHeight, right: p.getBoundingClientRect().right, window: innerWidth };
    });
    expect(pane.scroll).toBeGreaterThan(pane.client);
    expect(pane.scrollbar).toBeGreaterThan(5);
    expect(pane.right).toBeLessThanOrEqual(pane.window);
    await page.screenshot({ path: join(OUT, 'playground-wide-drawing.png') });
    const href = await page.getAttribute('#reference', 'href');
    const ref = await page.request.get(new URL(href!, page.url()).href);
    expect(ref.status()).toBe(200);
    expect(await ref.text()).toContain('rollout');
    expect(errors).toEqual([]);
    await page.context().close();
  }, 60_000);

  test('a `data file` spec asks for the file (no error), then checks, draws and trains on it', async () => {
    const spec = readFileSync(join(ROOT, 'specs', QUICKSTART), 'utf8').replace(/^data .*$/m, 'data file "runs/advection.json" { test_trajectories 2 }');
    const { page, errors } = await open(`#spec=${Buffer.from(spec).toString('base64url')}`);
    expect(await page.textContent('#verdict')).toBe('waiting for the data file');
    expect(await page.isVisible('#data-input')).toBe(true);
    expect(await page.textContent('#data-why')).toContain('A browser cannot open paths on your disk');
    expect(await page.locator('#diagnostics li').count()).toBe(0);
    expect(await page.isDisabled('#train')).toBe(true);
    await page.screenshot({ path: join(OUT, 'playground-data-file.png') });

    const shape = [6, 40, 1, 30];
    const data = Array.from({ length: 6 * 40 * 30 }, (_, i) => Math.sin(i * 0.1));
    await page.setInputFiles('#data-input', { name: 'advection.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify({ shape, data })) });
    await page.waitForSelector('#verdict.ok');
    expect(await page.textContent('#data-status')).toBe('advection.json: 6 trajectories of 40 snapshots, states [1, 30]');
    expect(await page.locator('#pane-draw svg g.node.emulator').count()).toBe(5);
    await page.selectOption('#device', 'cpu');
    await page.fill('#steps', '20');
    await page.click('#train');
    await page.waitForSelector('#summary.done, #summary.failed, #summary.nonfinite', { timeout: 60_000 });
    expect(await page.textContent('#summary')).toMatch(/^trained spec\.tx \(config main: supervised rollout 5\) on cpu: 20 steps[^]*on 2 held-out trajectories/);

    // A file the readers refuse says why, in the CLI's words.
    await page.setInputFiles('#data-input', { name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from('{"shape": [2, 3], "data": [1, 2, 3, 4, 5, 6]}') });
    await page.waitForSelector('#data-status.error');
    expect(await page.textContent('#data-status')).toContain('bad.json: shape [2, 3] has 2 dimension(s); trajectories need at least 3');
    expect(errors).toEqual([]);
    await page.context().close();
  }, 90_000);

  test('a 2-D spec: after training, the rollout on a canvas, pixel for pixel the figure tx train writes', async () => {
    const example = '2d/supervised-one-step.tx';
    const { page, errors } = await open(`#example=${encodeURIComponent(example)}`);
    expect(await page.isHidden('#fields')).toBe(true);
    await page.selectOption('#device', 'cpu');
    await page.fill('#steps', '3');
    await page.click('#train');
    await page.waitForSelector('#summary.done, #summary.failed, #summary.nonfinite', { timeout: 60_000 });
    expect(await page.isVisible('#fields')).toBe(true);
    await page.screenshot({ path: join(OUT, 'playground-fields.png') });

    // The same run in Node: its figure, whose input, references and colour bar do not depend on the trained weights.
    const run = specRun(join(ROOT, 'specs', example), { steps: 3 });
    const fig = summary(run, await trainRun(run), { file: example, device: 'cpu', seconds: 0 }).fields!;
    const canvas = await page.evaluate(() => {
      const c = document.getElementById('fields') as HTMLCanvasElement;
      return { width: c.width, height: c.height, rgba: Array.from(c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data) };
    });
    expect([canvas.width, canvas.height]).toEqual([fig.width, fig.height]);
    const images = fig.marks.filter((m): m is Extract<Mark, { kind: 'image' }> => m.kind === 'image');
    // Input, prediction and reference at steps 1 and 10, and the colour bar.
    expect(images).toHaveLength(6);
    for (const m of [images[0]!, images[2]!, images[4]!, images[5]!]) {
      const drawn = Array.from({ length: m.height }, (_, y) => canvas.rgba.slice(4 * ((m.y + y) * canvas.width + m.x), 4 * ((m.y + y) * canvas.width + m.x + m.width))).flat();
      expect(drawn).toEqual(Array.from(m.rgba));
    }
    expect(errors).toEqual([]);
    await page.context().close();
  }, 90_000);

  test('a link to a slow spec leaves the page responsive; a huge one is a diagnostic, not an internal error', async () => {
    // 2000 emulator calls per step: seconds of compiling, in the worker.
    const slow = readFileSync(join(ROOT, 'specs', QUICKSTART), 'utf8')
      .replace('snapshots 100', 'snapshots 1100')
      .replace('config supervised rollout 5', 'config composite { 0.5 * supervised rollout 1000  0.5 * diverted rollout 1000 branch 1 }');
    const { page, errors } = await open(`#spec=${Buffer.from(slow).toString('base64url')}`, undefined, '#verdict.busy');
    // The editor takes typing while the compiler works: each key lands at once.
    await page.locator('.cm-content > .cm-line').nth(6).click();
    await page.keyboard.press('End');
    const t0 = Date.now();
    await page.keyboard.type('  # typed');
    await page.waitForFunction(() => document.querySelectorAll('.cm-content > .cm-line')[6]!.textContent!.endsWith('# typed'), undefined, { timeout: 2000 });
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(await page.getAttribute('#verdict', 'class')).toBe('verdict busy');

    const huge = readFileSync(join(ROOT, 'specs', QUICKSTART), 'utf8').replace('rollout 5', 'rollout 4294967296');
    await page.goto(`${server!.url}#spec=${Buffer.from(huge).toString('base64url')}`);
    await page.waitForSelector('#verdict.error');
    expect(await page.textContent('#verdict')).toMatch(/^\d+ errors?$/);
    expect(await page.textContent('#diagnostics')).not.toContain('internal');

    // A link over the size limit is refused before anything is decoded.
    await page.goto(`${server!.url}#spec=${Buffer.from('#'.repeat((1 << 20) + 1)).toString('base64url')}`);
    await page.reload();
    await page.waitForSelector('#verdict.error');
    expect(await page.textContent('#verdict')).toBe('link refused');
    expect(await page.textContent('#diagnostics')).toContain('characters a spec may have');
    expect(errors).toEqual([]);
    await page.context().close();
  }, 90_000);
});
