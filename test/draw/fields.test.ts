// The field figure: viridis against matplotlib's published colours, the
// layout (rows, panels, colour ranges, slices, labels) and its SVG, whose
// embedded PNGs are decoded by pngjs.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { PNG } from 'pngjs';
import { describe, expect, test } from 'vitest';
import { fieldFigure, type Figure, type FieldRollout, type Mark } from '../../src/draw/fields.js';
import { viridis } from '../../src/draw/viridis.js';
import { fieldsSvg } from '../../src/train/fields-svg.js';

type Image = Extract<Mark, { kind: 'image' }>;

/** matplotlib's _viridis_data (float sRGB) at entries 0, 64, 128, 192 and 255. */
const PUBLISHED: [number, [number, number, number]][] = [
  [0, [0.267004, 0.004874, 0.329415]],
  [64, [0.229739, 0.322361, 0.545706]],
  [128, [0.127568, 0.566949, 0.550556]],
  [192, [0.369214, 0.788888, 0.382914]],
  [255, [0.993248, 0.906157, 0.143936]],
];

test("viridis: matplotlib's colours, rounded to 8 bits, at its own lookup of t", () => {
  for (const [i, rgb] of PUBLISHED) expect(viridis(i / 256)).toEqual(rgb.map((c) => Math.round(c * 255)));
  expect(viridis(0.5)).toEqual([33, 145, 140]); // #21918c, the map's middle
  expect(viridis(1)).toEqual(viridis(255 / 256));
  expect(viridis(-3)).toEqual(viridis(0));
  expect(viridis(7)).toEqual(viridis(1));
});

/** Cell (i, j) of an image drawn `scale` pixels per cell: its centre pixel. */
function pixel(m: Image, i: number, j: number, scale: number): number[] {
  const k = 4 * ((i * scale + (scale >> 1)) * m.width + j * scale + (scale >> 1));
  return [...m.rgba.subarray(k, k + 3)];
}

const images = (f: Figure) => f.marks.filter((m): m is Image => m.kind === 'image');
const texts = (f: Figure) => f.marks.flatMap((m) => (m.kind === 'text' ? [m.text] : []));

/** Two channels on a 3 × 4 grid; the value of cell (c, i, j) at t is its index plus 100 t. */
function rollout(): FieldRollout {
  const field = (t: number) => Float64Array.from({ length: 24 }, (_, k) => k + 100 * t);
  return { shape: [2, 3, 4], input: field(0), steps: [{ step: 1, prediction: Float64Array.from(field(1), (v, k) => (k === 5 ? NaN : v + 1000)), reference: field(1) }] };
}

describe('the field figure', () => {
  test('one row per channel: input, prediction, reference and a colour bar, labelled', () => {
    const f = fieldFigure(rollout(), 'spec.tx: supervised')!;
    const im = images(f);
    expect(im).toHaveLength(2 * 4);
    // A 3 × 4 grid: whole pixels per cell, the longer side 128 pixels.
    expect(im.slice(0, 3).map((m) => [m.width, m.height])).toEqual([
      [128, 96],
      [128, 96],
      [128, 96],
    ]);
    expect(new Set(im.slice(0, 4).map((m) => m.y)).size).toBe(1);
    expect(im[4]!.y).toBeGreaterThan(im[0]!.y + 96);
    expect(texts(f)).toEqual(expect.arrayContaining(['spec.tx: supervised', 't = 0 (input)', 'prediction t = 1', 'reference t = 1', 'channel 0', 'channel 1']));
    for (const m of im) expect(m.x + m.width).toBeLessThanOrEqual(f.width);
  });

  test('a cell is the colour of its value in its row’s range, set by the input and the references', () => {
    const f = fieldFigure(rollout(), 't')!;
    const [input, prediction, reference, bar] = images(f) as [Image, Image, Image, Image];
    // Channel 0 spans 0..11 at t = 0 and 100..111 at t = 1.
    const colour = (v: number) => viridis((v - 0) / 111);
    expect(pixel(input, 1, 2, 32)).toEqual([...colour(6)]);
    expect(pixel(reference, 2, 3, 32)).toEqual([...colour(111)]);
    // The prediction is 1000 above the reference: it saturates; its NaN is grey, no colour of viridis.
    expect(pixel(prediction, 0, 0, 32)).toEqual([...viridis(1)]);
    expect(pixel(prediction, 1, 1, 32)).toEqual([160, 160, 160]);
    // The colour bar runs from the top of the map down, a pixel row the colour at its middle; its labels the range.
    expect(pixel(bar, 0, 0, 1)).toEqual([...viridis(1 - 0.5 / 96)]);
    expect([...bar.rgba.subarray(bar.rgba.length - 4, bar.rgba.length - 1)]).toEqual([...viridis(0.5 / 96)]);
    expect(texts(f)).toEqual(expect.arrayContaining(['111', '55.5', '0', '12', '123']));
  });

  test('a 3-D state: the middle slice of its first axis, said in the title; a 1-D state: no figure', () => {
    // [1, 5, 2, 3]: the slice at axis 0 = 2 holds the values 12..17.
    const field = Float64Array.from({ length: 30 }, (_, k) => k);
    const f = fieldFigure({ shape: [1, 5, 2, 3], input: field, steps: [] }, 'cube.tx: supervised')!;
    expect(texts(f)[0]).toBe('cube.tx: supervised (3-D: the middle slice, axis 0 at 2 of 5)');
    const [input] = images(f) as [Image];
    expect([input.width, input.height]).toEqual([126, 84]);
    expect(pixel(input, 0, 0, 42)).toEqual([...viridis(0)]);
    expect(pixel(input, 1, 2, 42)).toEqual([...viridis(1)]);
    expect(fieldFigure({ shape: [1, 8], input: new Float64Array(8), steps: [] }, 't')).toBeUndefined();
    expect(fieldFigure({ shape: [3], input: new Float64Array(3), steps: [] }, 't')).toBeUndefined();
  });

  test('a flat field still has a range', () => {
    const f = fieldFigure({ shape: [1, 2, 2], input: new Float64Array(4).fill(2), steps: [] }, 't')!;
    expect(texts(f)).toEqual(expect.arrayContaining(['4', '2', '0']));
  });
});

describe('fields.svg', () => {
  test('well-formed; every image an embedded PNG of its own size and pixels; the texts escaped', () => {
    const f = fieldFigure(rollout(), 'a <b> & "c"')!;
    const svg = fieldsSvg(f);
    expect(XMLValidator.validate(svg)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(svg) as { svg: { image: Record<string, string>[]; text: { '#text': string }[] } };
    expect(doc.svg.text[0]!['#text']).toBe('a <b> & "c"');
    const im = images(f);
    expect(doc.svg.image).toHaveLength(im.length);
    doc.svg.image.forEach((el, k) => {
      const m = im[k]!;
      expect([el['x'], el['y'], el['width'], el['height']].map(Number)).toEqual([m.x, m.y, m.width, m.height]);
      const png = PNG.sync.read(Buffer.from(el['href']!.replace(/^data:image\/png;base64,/, ''), 'base64'));
      expect([png.width, png.height]).toEqual([m.width, m.height]);
      expect(new Uint8ClampedArray(png.data)).toEqual(m.rgba);
    });
  });
});
