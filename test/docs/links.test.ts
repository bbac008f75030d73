// Every relative link in the README and docs/ must lead to a file of the
// repository itself (a clone has nothing outside it) and, with a #fragment
// into a Markdown file, to one of its headings.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PAGES = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

/** Link targets outside code, where `[x](y)` is text, not a link. */
function links(markdown: string): string[] {
  const prose = markdown.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '');
  return [...prose.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!);
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
function anchors(markdown: string): Set<string> {
  const headings = markdown.replace(/^```[\s\S]*?^```/gm, '').match(/^#{1,6} .*$/gm) ?? [];
  return new Set(headings.map((h) => h.replace(/^#+ /, '').toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-')));
}

/** What is wrong with a relative link from `page`, or undefined when it is fine. */
function problem(page: string, target: string): string | undefined {
  const [path, fragment] = target.split('#') as [string, string | undefined];
  const file = path === '' ? join(ROOT, page) : resolve(ROOT, dirname(page), decodeURI(path));
  const inRepo = relative(ROOT, file);
  if (inRepo.startsWith('..')) return 'points outside the repository';
  if (!existsSync(file)) return 'no such file';
  if (fragment && file.endsWith('.md') && !anchors(readFileSync(file, 'utf8')).has(fragment)) return `no heading #${fragment} in ${inRepo}`;
  return undefined;
}

describe('relative links in the README and docs/', () => {
  test.each(PAGES)('%s', (page) => {
    const relativeLinks = links(readFileSync(join(ROOT, page), 'utf8')).filter((t) => !/^[a-z][a-z0-9+.-]*:/i.test(t));
    const broken = relativeLinks.flatMap((t) => {
      const why = problem(page, t);
      return why ? [`${t}: ${why}`] : [];
    });
    expect(broken).toEqual([]);
  });

  test('the checker finds the kind of link a clone would break on', () => {
    expect(problem('README.md', '../shared/reference/trainax-semantics.md')).toBe('points outside the repository');
    expect(problem('docs/language.md', 'semantics.md#no-such-heading')).toBe('no heading #no-such-heading in docs/semantics.md');
    expect(problem('docs/language.md', 'missing.md')).toBe('no such file');
    expect(links('see [a](x.md) and `[b](y.md)`\n```\n[c](z.md)\n```\n')).toEqual(['x.md']);
  });
});
