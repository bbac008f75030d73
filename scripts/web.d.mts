// Types of scripts/web.mjs, for the tests that build and serve the playground.
import type { BuildOptions, Metafile } from 'esbuild';

export interface Sizes {
  /** Bytes of JavaScript the page loads, raw and gzipped. */
  js: number;
  jsGzip: number;
  css: number;
  files: string[];
}

export const webDir: string;
export const defaultOutdir: string;
export const JS_BUDGET: number;
export function buildOptions(outdir?: string): BuildOptions;
export function forbiddenInputs(metafile: Metafile): string[];
export function bundleSizes(outdir: string, metafile: Metafile): Sizes;
export function buildWeb(outdir?: string): Promise<Sizes & { outdir: string; metafile: Metafile }>;
export function serveWeb(opts?: { outdir?: string; port?: number; tries?: number; host?: string; watch?: boolean; quiet?: boolean }): Promise<{
  url: string;
  port: number;
  sizes: Sizes;
  stop(): Promise<void>;
}>;
export function sizeText(s: Sizes): string;
