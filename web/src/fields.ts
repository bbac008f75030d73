// A field figure (src/draw/fields.ts) on a canvas: the page's twin of
// `tx train`'s fields.svg, from the same marks.
import type { Figure, Mark } from '../../src/draw/fields.js';

export function drawFigure(canvas: HTMLCanvasElement, fig: Figure): void {
  canvas.width = fig.width;
  canvas.height = fig.height;
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = 'white';
  ctx.fillRect(0, 0, fig.width, fig.height);
  for (const m of fig.marks) draw(ctx, m);
}

function draw(ctx: CanvasRenderingContext2D, m: Mark): void {
  switch (m.kind) {
    case 'image':
      ctx.putImageData(new ImageData(m.rgba, m.width, m.height), m.x, m.y);
      return;
    case 'text':
      ctx.font = `${m.size}px sans-serif`;
      ctx.textAlign = m.anchor === 'middle' ? 'center' : m.anchor;
      ctx.fillStyle = '#222';
      ctx.fillText(m.text, m.x, m.y);
      return;
    case 'frame':
      ctx.strokeStyle = '#333';
      ctx.lineWidth = 1;
      ctx.strokeRect(m.x - 0.5, m.y - 0.5, m.width + 1, m.height + 1);
      return;
    default:
      return m satisfies never;
  }
}
