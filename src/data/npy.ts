// NumPy's .npy format (numpy.lib.format, versions 1.0-3.0): a magic string, a
// version, a little-endian header length, a Python dict literal describing
// dtype, order and shape, then the raw elements. We read every real numeric
// dtype into float64 and write float32 or float64, C order, version 1.0.
import { UserError } from '../util/diagnostics.js';
import { sizeOf, type Trajectories } from './trajectories.js';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const ALIGN = 64; // numpy pads header so the data starts 64-byte aligned

type Reader = (view: DataView, offset: number, little: boolean) => number;

/** Element readers by dtype kind and size; anything else is refused by name. */
const READERS: Record<string, Reader> = {
  f4: (v, o, le) => v.getFloat32(o, le),
  f8: (v, o, le) => v.getFloat64(o, le),
  i1: (v, o) => v.getInt8(o),
  u1: (v, o) => v.getUint8(o),
  i2: (v, o, le) => v.getInt16(o, le),
  u2: (v, o, le) => v.getUint16(o, le),
  i4: (v, o, le) => v.getInt32(o, le),
  u4: (v, o, le) => v.getUint32(o, le),
  // Exact up to 2^53; training data beyond that is not a real use.
  i8: (v, o, le) => Number(v.getBigInt64(o, le)),
  u8: (v, o, le) => Number(v.getBigUint64(o, le)),
};

/**
 * NumPy refuses headers over 10000 bytes unless told otherwise
 * (`max_header_size`); a little more room than that, and a prefix of this many
 * bytes always holds a header we accept.
 */
export const NPY_HEAD_BYTES = 65536;

/** Data is held as float64: at most 2 GiB of it (2^28 numbers), to fail with a message rather than exhaust memory. */
export const MAX_NPY_NUMBERS = 2 ** 28;

export interface NpyHeader {
  shape: number[];
  descr: string;
  dataStart: number;
}

/**
 * Reads and checks a .npy header from the first bytes of a file of
 * `fileSize` bytes, so a loader can refuse a file before reading its data.
 */
export function readNpyHeader(head: Uint8Array, fileSize: number, source: string): NpyHeader {
  const fail = (message: string, hint?: string) => new UserError(`${source}: ${message}`, hint);
  if (head.length < 10 || MAGIC.some((b, i) => head[i] !== b)) {
    throw fail('not a .npy file (it does not start with \\x93NUMPY)');
  }
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const major = head[6]!;
  if (major < 1 || major > 3) throw fail(`.npy format version ${major}.${head[7]} is not supported (1.0-3.0 are)`);
  const headerStart = major === 1 ? 10 : 12;
  if (head.length < headerStart) throw fail('the .npy header is truncated');
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataStart = headerStart + headerLength;
  if (dataStart > NPY_HEAD_BYTES) throw fail(`the .npy header claims ${headerLength} bytes; txc reads headers of at most ${NPY_HEAD_BYTES - headerStart}`, 'NumPy writes headers of a few hundred bytes; the file is damaged');
  if (fileSize < dataStart || head.length < dataStart) throw fail(`the .npy header claims ${headerLength} bytes but the file ends first`);
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(head.subarray(headerStart, dataStart));

  const descr = /['"]descr['"]\s*:\s*['"]([^'"]*)['"]/.exec(header)?.[1];
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw fail(`cannot read the .npy header ${JSON.stringify(header.trim().slice(0, 200))}`, 'structured dtypes are not supported');
  }
  if (fortran === 'True') {
    throw fail('the array is stored in Fortran order; txc reads C order', 'save np.ascontiguousarray(x) instead');
  }
  if (!'<>|='.includes(descr[0]!) || READERS[descr.slice(1)] === undefined) {
    throw fail(
      `unsupported dtype '${descr}'; txc reads float32, float64 and (unsigned) integer arrays`,
      'convert with x.astype(np.float32) before saving',
    );
  }
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map(Number);
  if (!shape.every((d) => Number.isSafeInteger(d) && d >= 0)) throw fail(`bad shape (${shapeText}) in the .npy header`);
  const count = sizeOf(shape);
  if (count > MAX_NPY_NUMBERS) {
    throw fail(`shape [${shape.join(', ')}] has ${count} numbers; txc holds at most ${MAX_NPY_NUMBERS} (2 GiB as float64)`, 'train on fewer or shorter trajectories');
  }
  const dataBytes = count * Number(descr.slice(2));
  if (fileSize - dataStart !== dataBytes) {
    throw fail(`shape [${shape.join(', ')}] of ${descr} needs ${dataBytes} data bytes but the file has ${fileSize - dataStart}`);
  }
  return { shape, descr, dataStart };
}

/** Parses a .npy file; `source` names the file in error messages. */
export function readNpy(bytes: Uint8Array, source: string): Trajectories {
  const { shape, descr, dataStart } = readNpyHeader(bytes, bytes.length, source);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const read = READERS[descr.slice(1)]!;
  const itemSize = Number(descr.slice(2));
  const little = descr[0] !== '>';
  const data = new Float64Array(sizeOf(shape));
  for (let i = 0; i < data.length; i++) data[i] = read(view, dataStart + i * itemSize, little);
  return { shape, data };
}

/** A .npy (version 1.0, or 2.0 for huge headers) of `t`, little-endian, C order. */
export function writeNpy(t: Trajectories, dtype: 'float32' | 'float64' = 'float64'): Uint8Array {
  const itemSize = dtype === 'float32' ? 4 : 8;
  const shape = t.shape.length === 1 ? `(${t.shape[0]},)` : `(${t.shape.join(', ')})`;
  let dict = `{'descr': '<f${itemSize}', 'fortran_order': False, 'shape': ${shape}, }`;
  const major = dict.length + 11 < 65536 ? 1 : 2;
  const prefix = major === 1 ? 10 : 12;
  // Spaces then '\n' so the data starts on an ALIGN boundary, as numpy writes it.
  dict += ' '.repeat((ALIGN - ((prefix + dict.length + 1) % ALIGN)) % ALIGN) + '\n';
  const out = new Uint8Array(prefix + dict.length + t.data.length * itemSize);
  const view = new DataView(out.buffer);
  out.set(MAGIC);
  out[6] = major;
  out[7] = 0;
  if (major === 1) view.setUint16(8, dict.length, true);
  else view.setUint32(8, dict.length, true);
  for (let i = 0; i < dict.length; i++) out[prefix + i] = dict.charCodeAt(i);
  const base = prefix + dict.length;
  t.data.forEach((x, i) => {
    if (itemSize === 4) view.setFloat32(base + 4 * i, x, true);
    else view.setFloat64(base + 8 * i, x, true);
  });
  return out;
}
