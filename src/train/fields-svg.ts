// A field figure (draw/fields.ts) as a standalone SVG, `tx train`'s
// fields.svg: each image an embedded PNG, each text an SVG text. A 64 × 64
// panel drawn as one rect per cell would be a quarter of a megabyte; as a
// PNG it is about ten kilobytes, and the labels stay text. Node only (pngjs
// needs zlib).
import { PNG } from 'pngjs';
import { esc } from '../draw/svg.js';
import type { Figure, Mark } from '../draw/fields.js';

export function fieldsSvg(fig: Figure): string {
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${fig.width}" height="${fig.height}" viewBox="0 0 ${fig.width} ${fig.height}" font-family="sans-serif">`,
    `<rect width="${fig.width}" height="${fig.height}" fill="white"/>`,
    ...fig.marks.map(mark),
    '</svg>',
  ];
  return out.join('\n') + '\n';
}

function mark(m: Mark): string {
  switch (m.kind) {
    case 'image':
      return `<image x="${m.x}" y="${m.y}" width="${m.width}" height="${m.height}" href="data:image/png;base64,${png(m).toString('base64')}"/>`;
    case 'text':
      return `<text x="${m.x}" y="${m.y}" text-anchor="${m.anchor}" font-size="${m.size}" fill="#222">${esc(m.text)}</text>`;
    case 'frame':
      return `<rect x="${m.x - 0.5}" y="${m.y - 0.5}" width="${m.width + 1}" height="${m.height + 1}" fill="none" stroke="#333"/>`;
    default:
      return m satisfies never;
  }
}

function png(m: Extract<Mark, { kind: 'image' }>): Buffer {
  const p = new PNG({ width: m.width, height: m.height });
  p.data = Buffer.from(m.rgba.buffer, m.rgba.byteOffset, m.rgba.byteLength);
  return PNG.sync.write(p);
}
