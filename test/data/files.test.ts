import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTrajectoryFile } from '../../src/data/files.js';
import { readJson, writeJson } from '../../src/data/json.js';
import { loadTrajectories } from '../../src/data/load.js';
import { readNpy, writeNpy } from '../../src/data/npy.js';
import { splitHeldOut } from '../../src/data/trajectories.js';
import { UserError } from '../../src/util/diagnostics.js';

const bytesOf = (b64: string) => new Uint8Array(Buffer.from(b64, 'base64'));
const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

// Files written by NumPy 2.4 (np.save), base64: independent of our writer.
const NUMPY = {
  f8_112: 'k05VTVBZAQB2AHsnZGVzY3InOiAnPGY4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDEsIDEsIDIpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAAD4PwAAAAAAAADA',
  f4_112: 'k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDEsIDEsIDIpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAMA/AAAAwA==',
  be_i2: 'k05VTVBZAQB2AHsnZGVzY3InOiAnPmkyJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDEsIDEsIDMpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAf/+ASw=',
  v3_be_f8: 'k05VTVBZAwB0AAAAeydkZXNjcic6ICc+ZjgnLCAnZm9ydHJhbl9vcmRlcic6IEZhbHNlLCAnc2hhcGUnOiAoMSwgMSwgMSksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIApAHAAAAAAAAA==',
  fortran: 'k05VTVBZAQB2AHsnZGVzY3InOiAnPGY4JywgJ2ZvcnRyYW5fb3JkZXInOiBUcnVlLCAnc2hhcGUnOiAoMSwgMiwgMyksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAAAAAAAAAAAAAAhAAAAAAAAA8D8AAAAAAAAQQAAAAAAAAABAAAAAAAAAFEA=',
  c8: 'k05VTVBZAQB2AHsnZGVzY3InOiAnPGM4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDEsIDEsIDEpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAAAAAA==',
};

describe('npy', () => {
  it('round-trips float64 exactly and float32 to float32 precision', () => {
    const t = { shape: [2, 3, 1, 4], data: Float64Array.from({ length: 24 }, (_, i) => Math.sin(i) * 10 ** (i % 5)) };
    const back64 = readNpy(writeNpy(t, 'float64'), 'x.npy');
    expect(back64.shape).toEqual(t.shape);
    expect(back64.data).toEqual(t.data);
    const back32 = readNpy(writeNpy(t, 'float32'), 'x.npy');
    expect(Array.from(back32.data)).toEqual(Array.from(Float32Array.from(t.data)));
  });

  it('writes a header byte for byte as laid out by the format, and as NumPy writes it', () => {
    const t = { shape: [1, 1, 2], data: Float64Array.of(1.5, -2) };
    const dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 1, 2), }";
    // 6 magic + 2 version + 2 length + header, padded with spaces and a final
    // newline so the data starts at byte 128: header length 118 = 0x76.
    const header = dict + ' '.repeat(118 - dict.length - 1) + '\n';
    const data = new Uint8Array(new Float64Array([1.5, -2]).buffer); // little-endian host
    const want = new Uint8Array([0x93, ...ascii('NUMPY'), 1, 0, 0x76, 0, ...ascii(header), ...data]);
    expect(writeNpy(t)).toEqual(want);
    expect(writeNpy(t)).toEqual(bytesOf(NUMPY.f8_112));
    expect(writeNpy(t, 'float32')).toEqual(bytesOf(NUMPY.f4_112));
  });

  it('reads NumPy files: big-endian int16, version 3.0 big-endian float64', () => {
    expect(readNpy(bytesOf(NUMPY.be_i2), 'a.npy')).toEqual({ shape: [1, 1, 3], data: Float64Array.of(1, -2, 300) });
    expect(readNpy(bytesOf(NUMPY.v3_be_f8), 'b.npy')).toEqual({ shape: [1, 1, 1], data: Float64Array.of(7) });
    expect(readNpy(bytesOf(NUMPY.f4_112), 'c.npy').data).toEqual(Float64Array.of(1.5, -2));
  });

  it('refuses Fortran order, other dtypes, truncated data and non-npy bytes, naming the file', () => {
    expect(() => readNpy(bytesOf(NUMPY.fortran), 'f.npy')).toThrow('f.npy: the array is stored in Fortran order; txc reads C order');
    expect(() => readNpy(bytesOf(NUMPY.c8), 'c.npy')).toThrow(
      "c.npy: unsupported dtype '<c8'; txc reads float32, float64 and (unsigned) integer arrays",
    );
    const short = bytesOf(NUMPY.f8_112).slice(0, -1);
    expect(() => readNpy(short, 's.npy')).toThrow('s.npy: shape [1, 1, 2] of <f8 needs 16 data bytes but the file has 15');
    expect(() => readNpy(ascii('PK\x03\x04 not numpy'), 'z.npy')).toThrow('z.npy: not a .npy file');
    expect(() => readNpy(bytesOf(NUMPY.c8), 'c.npy')).toThrow(UserError);
  });
});

describe('json', () => {
  it('reads {shape, data} flat or nested, and bare nested arrays', () => {
    const want = { shape: [1, 2, 2], data: Float64Array.of(1, 2, 3, 4) };
    expect(readJson('{"shape": [1, 2, 2], "data": [1, 2, 3, 4]}', 'a.json')).toEqual(want);
    expect(readJson('{"shape": [1, 2, 2], "data": [[[1, 2], [3, 4]]]}', 'a.json')).toEqual(want);
    expect(readJson('[[[1, 2], [3, 4]]]', 'a.json')).toEqual(want);
    expect(readJson(writeJson(want), 'a.json')).toEqual(want);
  });

  it('names the exact mismatch', () => {
    expect(() => readJson('{"shape": [1, 2, 3], "data": [1, 2, 3, 4]}', 'd.json')).toThrow(
      'd.json: shape [1, 2, 3] needs 6 numbers but "data" has 4',
    );
    expect(() => readJson('[[[1, 2], [3]]]', 'r.json')).toThrow('r.json: entry [0, 1] is a list of 1, expected a list of 2');
    expect(() => readJson('{"shape": [1, 1, 2], "data": [1, null]}', 'n.json')).toThrow(
      'n.json: entry [1] is null (NaN and Infinity are written as null in JSON), not a number',
    );
    expect(() => readJson('{"shape": [1, 1', 'b.json')).toThrow(/^b\.json: not valid JSON/);
    expect(() => readJson('{"data": []}', 'k.json')).toThrow('k.json: expected {"shape": [...], "data": [...]}');
  });
});

describe('loadTrajectories', () => {
  const dir = mkdtempSync(join(tmpdir(), 'txc-data-'));
  const put = (name: string, content: Uint8Array | string) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };

  it('picks the format by extension', () => {
    const t = { shape: [2, 3, 1], data: Float64Array.of(1, 2, 3, 4, 5, 6) };
    expect(loadTrajectories(put('t.npy', writeNpy(t)))).toEqual(t);
    expect(loadTrajectories(put('t.JSON', writeJson(t)))).toEqual(t);
  });

  it('checks what it read: dimensions, finiteness, readability', () => {
    const p2 = put('flat.npy', writeNpy({ shape: [4, 5], data: new Float64Array(20) }));
    expect(() => loadTrajectories(p2)).toThrow(`${p2}: shape [4, 5] has 2 dimension(s); trajectories need at least 3`);
    const nan = put('nan.npy', writeNpy({ shape: [1, 2, 2], data: Float64Array.of(0, 1, NaN, 3) }));
    expect(() => loadTrajectories(nan)).toThrow(`${nan}: entry [0, 1, 0] is NaN; data must be finite`);
    const inf = put('inf.npy', writeNpy({ shape: [1, 1, 2], data: Float64Array.of(0, -Infinity) }, 'float32'));
    expect(() => loadTrajectories(inf)).toThrow(`${inf}: entry [0, 0, 1] is -Infinity; data must be finite`);
    expect(() => loadTrajectories(join(dir, 'missing.npy'))).toThrow(`${join(dir, 'missing.npy')}: no such file`);
    expect(() => parseTrajectoryFile('data.csv', new Uint8Array())).toThrow(
      'data.csv: unknown data format; txc reads .npy and .json files',
    );
  });

  it('holds out the last trajectories', () => {
    const t = { shape: [3, 1, 1], data: Float64Array.of(1, 2, 3) };
    const { train, test } = splitHeldOut(t, 1, 't.npy');
    expect(train).toEqual({ shape: [2, 1, 1], data: Float64Array.of(1, 2) });
    expect(test).toEqual({ shape: [1, 1, 1], data: Float64Array.of(3) });
    expect(() => splitHeldOut(t, 3, 't.npy')).toThrow(
      't.npy: cannot hold out 3 of 3 trajectories; at least one must remain for training',
    );
  });
});
