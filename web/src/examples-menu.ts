// The examples menu: every spec under specs/, grouped by folder, the
// quickstart's folder first (it is what the README starts with).
import examples from 'txc:examples';

export const CUSTOM_FILE = 'spec.tx';

export const exampleText = (path: string): string | undefined => examples.find((e) => e.path === path)?.text;

/** The example `text` is, or CUSTOM_FILE for the user's own. */
export function fileFor(text: string): string {
  return examples.find((e) => e.text === text)?.path ?? CUSTOM_FILE;
}

export function fillExamples(select: HTMLSelectElement, onPick: (text: string) => void): void {
  const custom = new Option('(your spec)', '');
  custom.disabled = true;
  const groups = new Map<string, HTMLOptGroupElement>();
  const opts: (HTMLOptionElement | HTMLOptGroupElement)[] = [custom];
  for (const e of examples) {
    const slash = e.path.lastIndexOf('/');
    const folder = slash < 0 ? '' : e.path.slice(0, slash);
    const o = new Option(e.path.replace(/\.tx$/, ''), e.path);
    if (!folder) {
      opts.push(o);
      continue;
    }
    let g = groups.get(folder);
    if (!g) {
      g = document.createElement('optgroup');
      g.label = folder;
      groups.set(folder, g);
      opts.push(g);
    }
    g.append(o);
  }
  opts.sort((a, b) => rank(a) - rank(b));
  select.replaceChildren(...opts);
  select.addEventListener('change', () => {
    const text = exampleText(select.value);
    if (text !== undefined) onPick(text);
  });
}

function rank(o: HTMLOptionElement | HTMLOptGroupElement): number {
  if (o instanceof HTMLOptionElement) return o.value === '' ? 0 : 4;
  return ['quickstart', 'showcase', 'lorenz'].indexOf(o.label) + 1 || 5;
}
