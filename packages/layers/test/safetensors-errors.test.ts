import { ValueError } from '@loom/core';
import { describe, expect, it } from 'vitest';
import { SafetensorsError, readSafetensors } from '../src/io/safetensors.js';
import { concat, rawFile, withSize } from './safetensors-fixtures.js';

// Every way readSafetensors rejects a file, each with its message (what and where) checked.

const entry = (dtype = 'F32', shape: unknown = [1], offsets: unknown = [0, 4]) =>
  `{"dtype":"${dtype}","shape":${JSON.stringify(shape)},"data_offsets":${JSON.stringify(offsets)}}`;
const four = [0, 0, 128, 63];

function rejection(bytes: Uint8Array): SafetensorsError {
  try {
    readSafetensors(bytes);
  } catch (e) {
    expect(e).toBeInstanceOf(SafetensorsError);
    return e as SafetensorsError;
  }
  throw new Error('readSafetensors accepted the file');
}

function rejects(bytes: Uint8Array, message: RegExp | string): SafetensorsError {
  const e = rejection(bytes);
  if (typeof message === 'string') expect(e.message).toBe(message);
  else expect(e.message).toMatch(message);
  return e;
}

describe('SafetensorsError', () => {
  it('is a ValueError with what and where', () => {
    const e = rejects(
      rawFile(`{"w":${entry('F32', [2])}}`, four),
      /^readSafetensors: data_offsets \[0,4\] hold 4 bytes but shape \[2\] of F32 needs 8 \(tensor "w", byte 9\)$/,
    );
    expect(e).toBeInstanceOf(ValueError);
    expect(e.name).toBe('SafetensorsError');
    expect(e.what).toBe('data_offsets [0,4] hold 4 bytes but shape [2] of F32 needs 8');
    expect(e.where).toEqual({ offset: 9, tensor: 'w' });
  });
});

describe('the size field and the header bytes', () => {
  it('rejects a buffer shorter than 8 bytes', () => {
    rejects(new Uint8Array(5), 'readSafetensors: the file has 5 bytes, fewer than the 8 of the header size (byte 0)');
    rejects(new Uint8Array(0), /the file has 0 bytes/);
  });
  it('rejects a value that is not a Uint8Array', () => {
    expect(() => readSafetensors([1, 2, 3] as unknown as Uint8Array)).toThrow(/readSafetensors: expected a Uint8Array, got object/);
  });
  it('rejects a header size over 100 MB', () => {
    rejects(withSize(new Uint8Array(4), 100_000_001), /header size 100000001 is larger than the 100000000-byte limit \(byte 0\)/);
    rejects(withSize(new Uint8Array(4), 2n ** 64n - 1n), /header size 18446744073709551615 is larger/);
  });
  it('rejects a header size past the end', () => {
    rejects(withSize(new TextEncoder().encode('{}'), 50), 'readSafetensors: header size 50 runs past the end of the 10-byte file (byte 0)');
  });
  it('rejects a header that is not UTF-8, at the first bad byte', () => {
    rejects(
      withSize(Uint8Array.from([0x7b, 0x22, 0xc3, 0xa9, 0xff, 0x22, 0x7d]), 7),
      'readSafetensors: the header is not valid UTF-8 (byte 12)',
    );
    rejects(withSize(Uint8Array.from([0x7b, 0xed, 0xa0, 0x80, 0x7d]), 5), /not valid UTF-8 \(byte 9\)/); // an encoded surrogate
  });
});

describe('JSON syntax', () => {
  it('rejects text that is not JSON, with the byte where it goes wrong', () => {
    rejects(rawFile('{"a":'), 'readSafetensors: the header is not valid JSON: unexpected end of the header (byte 13)');
    rejects(rawFile('{a:1}'), /not valid JSON: expected '"' but found 'a' \(byte 9\)/);
    rejects(rawFile('{} x'), /not valid JSON: unexpected 'x' after the end of the JSON value \(byte 11\)/);
    rejects(rawFile('{}\u0000'), /unexpected U\+0000 after the end/);
    rejects(rawFile('{"é":1,}'), /expected '"' but found '}' \(byte 16\)/); // é is two bytes
    rejects(rawFile('{"a":01}'), /expected ',' or '}' but found '1' \(byte 14\)/);
    rejects(rawFile('{"a":[1 2]}'), /expected ',' or ']' but found '2'/);
    rejects(rawFile('{"a\tb":1}'), /control character U\+0009 inside a string/);
    rejects(rawFile('{"a\\x":1}'), /invalid escape '\\x' in a string/);
    rejects(rawFile('{"a\\u12g4":1}'), /invalid \\u escape in a string/);
    rejects(rawFile('{"\\ud800":1}'), /lone high surrogate escape in a string \(byte 10\)/);
    rejects(rawFile('{"\\udc00":1}'), /lone low surrogate escape/);
    rejects(rawFile('{"a":"unterminated}'), /unterminated string \(byte 13\)/);
  });
  it('rejects deep nesting without overflowing the stack', () => {
    rejects(rawFile(`{"a":${'['.repeat(100_000)}`), /nested deeper than 8 levels/);
  });
  it('rejects a header that is not an object', () => {
    rejects(rawFile('[]'), 'readSafetensors: the header must be a JSON object, got an array of 0 (byte 8)');
    rejects(rawFile('"{}"'), /must be a JSON object, got "\{\}"/);
    rejects(rawFile('  null'), /must be a JSON object, got null \(byte 10\)/);
  });
});

describe('duplicate keys', () => {
  it('rejects two tensors with one name, even when spelled with escapes', () => {
    rejects(
      rawFile(`{"w":${entry()},"w":${entry('F32', [1], [4, 8])}}`, [...four, ...four]),
      /not valid JSON: duplicate key "w" \(byte 62\)/,
    );
    rejects(rawFile(`{"w":${entry()},"\\u0077":${entry('F32', [1], [4, 8])}}`, [...four, ...four]), /duplicate key "w"/);
  });
  it('rejects duplicates inside an entry and in the metadata', () => {
    rejects(rawFile(`{"w":{"dtype":"F64","dtype":"F32","shape":[1],"data_offsets":[0,4]}}`, four), /duplicate key "dtype" \(byte 28\)/);
    rejects(rawFile('{"__metadata__":{"k":"a"},"__metadata__":{"k":"b"}}'), /duplicate key "__metadata__"/);
    rejects(rawFile('{"__metadata__":{"k":"a","k":"b"}}'), /duplicate key "k" \(byte 33\)/);
  });
});

describe('tensor entries', () => {
  const one = (e: string, data: number[] = four) => rawFile(`{"w":${e}}`, data);
  it('rejects an entry that is not an object', () => {
    rejects(one('[1]'), /the entry must be an object with dtype, shape and data_offsets, got an array of 1 \(tensor "w", byte 13\)/);
  });
  it('rejects missing and extra fields', () => {
    rejects(one('{"dtype":"F32","shape":[1]}'), /missing field "data_offsets" \(tensor "w", byte 13\)/);
    rejects(
      one('{"dtype":"F32","shape":[1],"data_offsets":[0,4],"strides":[1]}'),
      /unexpected field "strides" \(expected dtype, shape, data_offsets\) \(tensor "w", byte 61\)/,
    );
  });
  it('rejects unknown dtypes', () => {
    rejects(
      one(entry('F128')),
      /unknown dtype "F128" \(loom reads F64, F32, F16, BF16, F8_E5M2, F8_E4M3, I64, U64, I32, U32, I16, U16, I8, U8, BOOL\) \(tensor "w", byte 22\)/,
    );
    rejects(one(entry('f32')), /unknown dtype "f32"/);
    rejects(one(entry('__proto__')), /unknown dtype "__proto__"/);
    rejects(one('{"dtype":4,"shape":[1],"data_offsets":[0,4]}'), /dtype must be a string, got 4/);
  });
  it('rejects shapes that are not arrays of non-negative safe integers', () => {
    rejects(one(entry('F32', 4)), /shape must be an array of non-negative integers, got 4 \(tensor "w"/);
    rejects(one(entry('F32', [-1])), /shape\[0\] must be a non-negative integer, got -1/);
    rejects(one(entry('F32', [1.5])), /shape\[0\] must be a non-negative integer, got 1.5/);
    rejects(one('{"dtype":"F32","shape":[1,1e0],"data_offsets":[0,4]}'), /shape\[1\] must be a non-negative integer, got 1e0/);
    rejects(one(entry('F32', ['1'])), /shape\[0\] must be a non-negative integer, got "1"/);
    rejects(
      one('{"dtype":"F32","shape":[9007199254740993],"data_offsets":[0,4]}'),
      /shape\[0\] = 9007199254740993 is larger than 2\^53 - 1/,
    );
  });
  it('rejects data_offsets that are not two non-negative integers', () => {
    rejects(one(entry('F32', [1], [0])), /data_offsets must be an array of 2 non-negative integers, got an array of 1/);
    rejects(one(entry('F32', [1], [0, -4])), /data_offsets\[1\] must be a non-negative integer, got -4/);
    rejects(one(entry('F32', [1], { begin: 0 })), /data_offsets must be an array of 2 non-negative integers, got an object/);
  });
});

describe('offsets and sizes', () => {
  it('rejects end before begin', () => {
    rejects(rawFile(`{"w":${entry('F32', [0], [4, 0])}}`, four), /data_offsets \[4,0\] end before they begin \(tensor "w", byte 9\)/);
  });
  it('rejects a byte size that is not product(shape) × dtype size, without overflowing', () => {
    rejects(rawFile(`{"w":${entry('BF16', [3])}}`, four), /hold 4 bytes but shape \[3\] of BF16 needs 6/);
    // 2^32 · 2^32 · 4 bytes = 2^66: exact with BigInt, where float products would round and checked ones overflow.
    rejects(
      rawFile(`{"w":${entry('F32', [2 ** 32, 2 ** 32], [0, 0])}}`),
      /hold 0 bytes but shape \[4294967296,4294967296\] of F32 needs 73786976294838206464/,
    );
  });
  it('rejects gaps, overlaps and offsets past the end', () => {
    const two = (a: unknown, b: unknown, data: number[]) => rawFile(`{"a":${entry('F32', [1], a)},"b":${entry('F32', [1], b)}}`, data);
    rejects(
      two([4, 8], [8, 12], [...four, ...four, ...four]),
      /data_offsets \[4,8\] leave a gap: the previous tensor ends at 0 \(tensor "a"/,
    );
    rejects(
      two([0, 4], [8, 12], [...four, ...four, ...four]),
      /data_offsets \[8,12\] leave a gap: the previous tensor ends at 4 \(tensor "b"/,
    );
    rejects(two([0, 4], [2, 6], [...four, ...four]), /data_offsets \[2,6\] overlap the previous tensor, which ends at 4 \(tensor "b"/);
    rejects(two([0, 4], [0, 4], four), /overlap the previous tensor/);
    rejects(two([0, 4], [4, 8], four), /data_offsets \[4,8\] run past the end of the 4-byte data \(tensor "b"/);
  });
  it('rejects trailing bytes after the last tensor', () => {
    const file = rawFile(`{"w":${entry()}}`, [...four, 9, 9]);
    rejects(file, `readSafetensors: 2 trailing bytes after the last tensor (byte ${file.length - 2})`);
    rejects(concat(rawFile('{}'), Uint8Array.from([0])), /1 trailing bytes after the last tensor/);
  });
});

describe('metadata and element values', () => {
  it('rejects metadata that is not an object of strings', () => {
    rejects(rawFile('{"__metadata__":{"epoch":3}}'), /__metadata__ value of "epoch" must be a string, got 3 \(byte 33\)/);
    rejects(rawFile('{"__metadata__":{"a":null}}'), /__metadata__ value of "a" must be a string, got null/);
    rejects(rawFile('{"__metadata__":["a"]}'), /__metadata__ must be an object of strings, got an array of 1 \(byte 24\)/);
  });
  it('rejects BOOL bytes other than 0 and 1, at their byte', () => {
    const file = rawFile(`{"b":${entry('BOOL', [3], [0, 3])}}`, [1, 0, 2]);
    rejects(file, `readSafetensors: BOOL element 2 is byte 2; booleans must be 0 or 1 (tensor "b", byte ${file.length - 1})`);
  });
  it('rejects 64-bit integers that float64 cannot hold exactly', () => {
    const big = new Uint8Array(8);
    new DataView(big.buffer).setBigInt64(0, 2n ** 53n + 1n, true);
    rejects(
      rawFile(`{"i":${entry('I64', [1], [0, 8])}}`, big),
      /I64 value 9007199254740993 is not exactly representable as a float64 number \(tensor "i"/,
    );
    rejects(rawFile(`{"u":${entry('U64', [1], [0, 8])}}`, new Uint8Array(8).fill(255)), /U64 value 18446744073709551615 is not exactly/);
  });
});
