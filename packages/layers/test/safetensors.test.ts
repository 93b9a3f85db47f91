import { fc, test } from '@fast-check/vitest';
import { Tensor, tensor } from '@loom/core';
import { SafetensorsError, readSafetensors, writeSafetensors } from '../src/io/safetensors.js';
import { describe, expect, it } from 'vitest';
import { bytesOf, headerText, rawBytes, rawFile } from './safetensors-fixtures.js';

// Expected bytes follow the format's description and the reference implementation's own serialization tests
// (safetensors/src/tensor.rs): header JSON, padding to 8 bytes with spaces, little-endian data.

const enc = (s: string) => Array.from(new TextEncoder().encode(s));
const u64 = (n: number) => [n, 0, 0, 0, 0, 0, 0, 0];
const f32Bytes = (values: number[]) => rawBytes(Float32Array.from(values));

describe('writeSafetensors', () => {
  it('writes the reference layout for one F32 tensor', () => {
    const out = writeSafetensors({ 'attn.0': tensor([0, 1, 2, 3, 4, 5], { shape: [1, 2, 3] }) });
    const json = '{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}';
    expect(json.length).toBe(64);
    expect(Array.from(out)).toEqual([...u64(64), ...enc(json), ...f32Bytes([0, 1, 2, 3, 4, 5])]);
  });

  it('pads the header with spaces to a multiple of 8 bytes', () => {
    const out = writeSafetensors({ attn0: tensor([0, 1, 2, 3, 4, 5], { shape: [1, 1, 2, 3] }) });
    const json = '{"attn0":{"dtype":"F32","shape":[1,1,2,3],"data_offsets":[0,24]}}';
    expect(Array.from(out)).toEqual([...u64(72), ...enc(json), ...enc(' '.repeat(72 - json.length)), ...f32Bytes([0, 1, 2, 3, 4, 5])]);
  });

  it('writes an empty file as {} and puts __metadata__ first', () => {
    expect(Array.from(writeSafetensors({}))).toEqual([...u64(8), ...enc('{}      ')]);
    const withMeta = writeSafetensors({}, { framework: 'pt' });
    expect(Array.from(withMeta)).toEqual([...u64(40), ...enc('{"__metadata__":{"framework":"pt"}}     ')]);
  });

  it('orders tensors F64 first, then by the UTF-8 byte order of their names, keeping every tensor aligned', () => {
    const t32 = tensor([1]);
    const t64 = tensor([1], { dtype: 'float64' });
    // U+FF61 sorts before U+1F600 in UTF-8 (and code points) but after it in UTF-16 units, which JS's < compares.
    const out = writeSafetensors({ b: t32, a: t32, '\u{1F600}': t32, '\uFF61': t32, z64: t64, a64: t64, c: tensor([1, 2, 3]) });
    const header = JSON.parse(headerText(out)) as Record<string, { dtype: string; data_offsets: [number, number] }>;
    expect(Object.keys(header)).toEqual(['a64', 'z64', 'a', 'b', 'c', '\uFF61', '\u{1F600}']);
    expect(Object.values(header).map((e) => e.data_offsets)).toEqual([
      [0, 8],
      [8, 16],
      [16, 20],
      [20, 24],
      [24, 36],
      [36, 40],
      [40, 44],
    ]);
  });

  it('sorts metadata keys and escapes names as JSON', () => {
    const out = writeSafetensors({ 'quote"back\\slash\n': tensor([1]) }, { z: '1', a: 'é' });
    expect(headerText(out)).toBe(
      '{"__metadata__":{"a":"é","z":"1"},"quote\\"back\\\\slash\\n":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}',
    );
  });

  it('rejects what it cannot write, naming the tensor', () => {
    const t = tensor([1]);
    expect(() => writeSafetensors({ __metadata__: t })).toThrow(/writeSafetensors: "__metadata__" is reserved .*tensor "__metadata__"/);
    expect(() => writeSafetensors({ w: [1, 2] as unknown as Tensor })).toThrow(/writeSafetensors: value is not a Tensor \(tensor "w"\)/);
    expect(() => writeSafetensors({ 'bad\uD800': t })).toThrow(/lone UTF-16 surrogate/);
    expect(() => writeSafetensors({ w: t }, { k: 3 as unknown as string })).toThrow(/metadata value of "k" must be a string, got number/);
    expect(() => writeSafetensors({ w: t }, { k: 3 as unknown as string })).toThrow(SafetensorsError);
  });
});

const nameArb = fc.string({ unit: 'binary', maxLength: 8 }).filter((s) => s !== '__metadata__' && !/\p{Cs}/u.test(s));
const tensorArb = fc
  .record({
    shape: fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 }),
    dtype: fc.constantFrom('float32' as const, 'float64' as const),
    seed: fc.array(fc.double(), { maxLength: 1 }),
  })
  .chain(({ shape, dtype }) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const values = dtype === 'float32' ? fc.float() : fc.double();
    return fc.array(values, { minLength: size, maxLength: size }).map((v) => tensor(v, { shape, dtype }));
  });

describe('round trip', () => {
  test.prop([fc.dictionary(nameArb, tensorArb, { maxKeys: 6 }), fc.dictionary(nameArb, nameArb, { maxKeys: 4 })])(
    'readSafetensors(writeSafetensors(t, m)) gives back every tensor bit for bit, and the metadata',
    (tensors, metadata) => {
      const { tensors: back, metadata: meta } = readSafetensors(writeSafetensors(tensors, metadata));
      expect(Object.keys(back).sort()).toEqual(Object.keys(tensors).sort());
      for (const [name, t] of Object.entries(tensors)) {
        const r = back[name]!;
        expect([r.dtype, r.shape]).toEqual([t.dtype, t.shape]);
        expect(rawBytes(r.data)).toEqual(rawBytes(t.data));
      }
      expect(meta).toEqual(metadata);
    },
  );

  it('keeps NaN payloads, −0, infinities, scalars, empty tensors and zero-length axes', () => {
    const nanBits = new Float32Array(new Uint32Array([0x7fc00123]).buffer);
    const tensors = {
      nan: new Tensor(nanBits, [1]),
      special: tensor([-0, Infinity, -Infinity], { dtype: 'float64' }),
      scalar: tensor(7),
      empty: tensor([], { shape: [0] }),
      hollow: tensor([], { shape: [3, 0, 2], dtype: 'float64' }),
    };
    const back = readSafetensors(writeSafetensors(tensors)).tensors;
    for (const [name, t] of Object.entries(tensors)) {
      expect([back[name]!.dtype, back[name]!.shape, rawBytes(back[name]!.data)]).toEqual([t.dtype, t.shape, rawBytes(t.data)]);
    }
  });

  it('stores names like __proto__ as ordinary keys', () => {
    const back = readSafetensors(writeSafetensors({ ['__proto__']: tensor([1]), constructor: tensor([2]) }, { ['__proto__']: 'x' }));
    expect(Object.getPrototypeOf(back.tensors)).toBe(Object.prototype);
    expect(Object.keys(back.tensors).sort()).toEqual(['__proto__', 'constructor']);
    expect(back.tensors['__proto__']!.toArray()).toEqual([1]);
    expect(Object.getOwnPropertyDescriptor(back.metadata, '__proto__')?.value).toBe('x');
  });
});

describe('readSafetensors', () => {
  it('views aligned F32 data without copying and copies unaligned data', () => {
    const aligned = writeSafetensors({ w: tensor([1.5, -2]) });
    expect(readSafetensors(aligned).tensors.w!.data.buffer).toBe(aligned.buffer);
    // An unpadded 54-byte header puts the data at byte 62, where a Float32Array cannot start.
    const header = '{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}';
    expect(8 + header.length).toBe(62);
    const odd = rawFile(header, f32Bytes([1.5, -2]));
    const w = readSafetensors(odd).tensors.w!;
    expect(w.data.buffer).not.toBe(odd.buffer);
    expect(Array.from(w.data)).toEqual([1.5, -2]);
    const f64 = rawFile('{"w":{"dtype":"F64","shape":[1],"data_offsets":[0,8]}} ', rawBytes(Float64Array.from([Math.PI])));
    expect(readSafetensors(f64).tensors.w!.item()).toBe(Math.PI);
  });

  it('reads a view into a larger buffer at an odd byte offset', () => {
    const file = writeSafetensors({ w: tensor([3, 4], { dtype: 'float64' }) });
    const host = new Uint8Array(file.length + 3);
    host.set(file, 3);
    expect(readSafetensors(host.subarray(3)).tensors.w!.toArray()).toEqual([3, 4]);
  });

  it('widens F16, BF16 and FP8 exactly to float32', () => {
    const cases: [string, number[], number[]][] = [
      ['F16', [0x3c00, 0xc000, 0x7bff, 0x0001, 0x7c00, 0xfc00, 0x8000, 0x7e00], [1, -2, 65504, 2 ** -24, Infinity, -Infinity, -0, NaN]],
      ['BF16', [0x3f80, 0x4049, 0xff80, 0x0001, 0x7fc0], [1, 3.140625, -Infinity, 2 ** -133, NaN]],
      ['F8_E4M3', [0x38, 0x7e, 0xfe, 0x01, 0x7f], [1, 448, -448, 2 ** -9, NaN]],
      ['F8_E5M2', [0x3c, 0x7b, 0x01, 0x7c, 0xfc, 0x7d], [1, 57344, 2 ** -16, Infinity, -Infinity, NaN]],
    ];
    for (const [dtype, bits, expected] of cases) {
      const size = dtype.startsWith('F8') ? 1 : 2;
      const data = size === 1 ? bits : bytesOf(bits, 2, (v, at, x: number) => v.setUint16(at, x, true));
      const file = rawFile({ t: { dtype, shape: [bits.length], data_offsets: [0, bits.length * size] } }, data);
      const t = readSafetensors(file).tensors.t!;
      expect(t.dtype).toBe('float32');
      expect(Array.from(t.data)).toEqual(expected);
    }
  });

  it('reads integers and booleans as exact float64 values', () => {
    const cases: [string, number, (v: DataView, at: number, x: never) => void, (number | bigint)[], number[]][] = [
      ['I8', 1, (v, at, x: number) => v.setInt8(at, x), [-128, 127, 0], [-128, 127, 0]],
      ['U8', 1, (v, at, x: number) => v.setUint8(at, x), [0, 255], [0, 255]],
      ['I16', 2, (v, at, x: number) => v.setInt16(at, x, true), [-32768, 32767], [-32768, 32767]],
      ['U16', 2, (v, at, x: number) => v.setUint16(at, x, true), [65535], [65535]],
      ['I32', 4, (v, at, x: number) => v.setInt32(at, x, true), [-(2 ** 31), 2 ** 31 - 1], [-(2 ** 31), 2 ** 31 - 1]],
      ['U32', 4, (v, at, x: number) => v.setUint32(at, x, true), [2 ** 32 - 1], [2 ** 32 - 1]],
      [
        'I64',
        8,
        (v, at, x: bigint) => v.setBigInt64(at, x, true),
        [-(2n ** 53n), 2n ** 53n, 2n ** 60n, -1n],
        [-(2 ** 53), 2 ** 53, 2 ** 60, -1],
      ],
      ['U64', 8, (v, at, x: bigint) => v.setBigUint64(at, x, true), [2n ** 53n - 1n, 2n ** 63n], [2 ** 53 - 1, 2 ** 63]],
      ['BOOL', 1, (v, at, x: number) => v.setUint8(at, x), [0, 1, 1], [0, 1, 1]],
    ];
    for (const [dtype, size, set, values, expected] of cases) {
      const file = rawFile({ t: { dtype, shape: [values.length], data_offsets: [0, values.length * size] } }, bytesOf(values, size, set));
      const t = readSafetensors(file).tensors.t!;
      expect([dtype, t.dtype, Array.from(t.data)]).toEqual([dtype, 'float64', expected]);
    }
  });

  it('accepts tensors in any header order, zero-size tensors sharing an offset, and whitespace in the header', () => {
    const header =
      ' { "b" : {"shape":[1],"data_offsets":[4,8],"dtype":"F32"},\n "z":{"dtype":"F64","shape":[0,5],"data_offsets":[4,4]},\t"a":{"dtype":"F32","shape":[],"data_offsets":[0,4]} } ';
    const { tensors } = readSafetensors(rawFile(header, f32Bytes([1, 2])));
    expect(tensors.a!.item()).toBe(1);
    expect(tensors.b!.toArray()).toEqual([2]);
    expect([tensors.z!.shape, tensors.z!.dtype]).toEqual([[0, 5], 'float64']);
  });

  it('reads an empty tensor whose other axes multiply past the float range', () => {
    const huge = Array.from({ length: 30 }, () => 2 ** 53 - 1);
    const { tensors } = readSafetensors(rawFile({ e: { dtype: 'F32', shape: [...huge, 0], data_offsets: [0, 0] } }));
    expect([tensors.e!.size, tensors.e!.rank]).toEqual([0, 31]);
  });
});
