import { Generator, tensor, type Tensor } from '@loom/core';
import { describe, expect, it } from 'vitest';
import { SafetensorsError, readSafetensors, writeSafetensors } from '../src/io/safetensors.js';
import { bytesOf, concat, rawBytes, rawFile, withSize } from './safetensors-fixtures.js';

// Mutation fuzzing of readSafetensors: every input derived from a valid file must either be rejected with a
// SafetensorsError or read correctly (checked against JSON.parse of the header and the raw data bytes). The seed is
// fixed; FUZZ_RUNS raises the count for a long run (docs/training.md, "IO and checkpoints").

const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);
const DTYPES = [
  'F64',
  'F32',
  'F16',
  'BF16',
  'I64',
  'U64',
  'I32',
  'U32',
  'I16',
  'U16',
  'I8',
  'U8',
  'BOOL',
  'F8_E4M3',
  'F8_E5M2',
  'F128',
  'f32',
  '',
];
const INTERESTING = [
  0x00, 0x01, 0x20, 0x22, 0x2c, 0x2d, 0x2e, 0x30, 0x31, 0x39, 0x3a, 0x5b, 0x5c, 0x5d, 0x65, 0x7b, 0x7d, 0x7f, 0x80, 0xc3, 0xff,
];
const NUMBERS = ['0', '1', '-1', '1.5', '1e2', '4294967296', '9007199254740991', '9007199254740993', '1e400', '00'];

function seeds(): Uint8Array[] {
  const f32 = tensor([1, -2.5, 3e-8, 0, 7, 8], { shape: [2, 3] });
  const f64 = tensor([Math.PI, -0], { dtype: 'float64' });
  const written = writeSafetensors(
    { 'enc.w': f32, 'enc.b': tensor([0.5]), dec: f64, empty: tensor([], { shape: [0, 4] }) },
    { epoch: '3', note: 'é✓' },
  );
  const u16 = (values: number[]) => bytesOf(values, 2, (v, at, x: number) => v.setUint16(at, x, true));
  const mixed: [string, string, Uint8Array, number][] = [
    ['h', 'F16', u16([0x3c00, 0x7c00, 0x8001]), 3],
    ['b', 'BF16', u16([0x3f80, 0xff80]), 2],
    ['flags', 'BOOL', Uint8Array.from([0, 1, 1]), 3],
    ['ids', 'I64', bytesOf([5n, -1n], 8, (v, at, x: bigint) => v.setBigInt64(at, x, true)), 2],
    ['u', 'U8', Uint8Array.from([1, 2, 250]), 3],
    ['q', 'F8_E4M3', Uint8Array.from([0x38, 0x7f]), 2],
  ];
  let offset = 0;
  const header: Record<string, unknown> = { __metadata__: { format: 'pt' } };
  for (const [name, dtype, bytes, count] of mixed) {
    header[name] = { dtype, shape: [count], data_offsets: [offset, offset + bytes.length] };
    offset += bytes.length;
  }
  const data = concat(...mixed.map(([, , bytes]) => bytes));
  return [written, rawFile(header, data, 8), writeSafetensors({}, { only: 'metadata' }), writeSafetensors({ s: tensor(1) })];
}

function headerOf(bytes: Uint8Array): { n: number; text: string } {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  return { n, text: new TextDecoder().decode(bytes.subarray(8, 8 + n)) };
}

function mutateJson(g: Generator, file: Uint8Array): Uint8Array {
  if (file.length < 8) return file;
  const { n, text } = headerOf(file);
  const data = file.subarray(8 + n);
  const pick = <T>(xs: readonly T[]): T => xs[g.int(0, xs.length)]!;
  const at = g.int(0, text.length + 1);
  let next = text;
  switch (g.int(0, 7)) {
    case 0: // a different digit or number
      next = text.replace(/[0-9]+/g, (m) => (g.uniform() < 0.3 ? pick(NUMBERS) : m));
      break;
    case 1: // delete a span
      next = text.slice(0, at) + text.slice(at + g.int(1, 4));
      break;
    case 2: // insert structure
      next = text.slice(0, at) + pick(['"', ',', '{', '}', '[', ']', ':', '\\', '\\u0000', 'null', '"a":1,', ' ']) + text.slice(at);
      break;
    case 3: // another dtype
      next = text.replace(/"dtype":"[^"]*"/g, (m) => (g.uniform() < 0.5 ? `"dtype":"${pick(DTYPES)}"` : m));
      break;
    case 4: {
      // rename a key to another key: a duplicate
      const keys = [...text.matchAll(/"([^"\\]*)":/g)].map((m) => m[1]!);
      if (keys.length > 1) next = text.replace(`"${pick(keys)}":`, `"${pick(keys)}":`);
      break;
    }
    case 5: // metadata values that are not strings, or shapes and offsets that are not integers
      next = text
        .replace(/"[^"]*"(?=[,}])/, pick(['1', 'null', '[]', '{}']))
        .replace(/\[[0-9,]*\]/, pick(['[]', '[1]', '[-1,2]', '[0,0,0]', '"x"']));
      break;
    default: // swap two offsets
      next = text.replace(/"data_offsets":\[(\d+),(\d+)\]/, (_, a: string, b: string) => `"data_offsets":[${b},${a}]`);
  }
  const json = new TextEncoder().encode(next);
  return withSize(concat(json, data), json.length);
}

function mutate(g: Generator, file: Uint8Array): Uint8Array {
  const bytes = file.slice();
  switch (g.int(0, 6)) {
    case 0:
      for (let k = g.int(1, 5); k > 0; k--) {
        const i = g.int(0, bytes.length);
        bytes[i] = bytes[i]! ^ (1 << g.int(0, 8));
      }
      return bytes;
    case 1:
      for (let k = g.int(1, 4); k > 0; k--)
        bytes[g.int(0, bytes.length)] = g.uniform() < 0.5 ? INTERESTING[g.int(0, INTERESTING.length)]! : g.int(0, 256);
      return bytes;
    case 2:
      return bytes.subarray(0, g.int(0, bytes.length));
    case 3:
      return concat(
        bytes,
        Uint8Array.from({ length: g.int(1, 9) }, () => g.int(0, 256)),
      );
    case 4: {
      if (bytes.length < 8) return bytes;
      const n = headerOf(bytes).n;
      const size = [n + g.int(-9, 10), 0, 2 ** 32 + n, 100_000_000, 100_000_001, g.int(0, 2 ** 31)][g.int(0, 6)]!;
      new DataView(bytes.buffer).setBigUint64(0, g.uniform() < 0.1 ? 2n ** 63n + BigInt(n) : BigInt(Math.max(0, size)), true);
      return bytes;
    }
    default:
      return mutateJson(g, bytes);
  }
}

/** Checks an accepted file against an independent reading: JSON.parse for the header, the raw bytes for F32/F64. */
function checkAccepted(bytes: Uint8Array, result: { tensors: Record<string, Tensor>; metadata: Record<string, string> }): void {
  const { n, text } = headerOf(bytes);
  const header = JSON.parse(text) as Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
  const { __metadata__: meta = {}, ...entries } = header as Record<string, unknown>;
  expect(result.metadata).toEqual(meta);
  expect(Object.keys(result.tensors).sort()).toEqual(Object.keys(entries).sort());
  for (const [name, e] of Object.entries(entries) as [string, { dtype: string; shape: number[]; data_offsets: [number, number] }][]) {
    const t = result.tensors[name]!;
    expect(t.shape).toEqual(e.shape);
    expect(t.size).toBe(e.shape.reduce((a, b) => a * b, 1));
    if (e.dtype === 'F32' || e.dtype === 'F64') {
      expect(t.dtype).toBe(e.dtype === 'F32' ? 'float32' : 'float64');
      expect(rawBytes(t.data)).toEqual(Array.from(bytes.subarray(8 + n + e.data_offsets[0], 8 + n + e.data_offsets[1])));
    }
  }
}

describe('readSafetensors under mutation', () => {
  it(
    `gives a SafetensorsError or a correct result for ${RUNS} mutated and truncated files`,
    () => {
      const g = new Generator(20261125);
      const files = seeds();
      for (const f of files) checkAccepted(f, readSafetensors(f));
      const outcomes = { accepted: 0, rejected: 0 };
      for (let run = 0; run < RUNS; run++) {
        let input = files[run % files.length]!;
        for (let k = g.int(1, 4); k > 0 && input.length > 0; k--) input = mutate(g, input);
        let result;
        try {
          result = readSafetensors(input);
        } catch (e) {
          if (!(e instanceof SafetensorsError)) throw new Error(`run ${run}: ${String(e)} for input [${Array.from(input).join(',')}]`);
          outcomes.rejected++;
          continue;
        }
        outcomes.accepted++;
        checkAccepted(input, result);
      }
      // Both paths must be exercised for the test to mean anything. Measured with the fixed seed: 264 of 10,000
      // accepted (mostly data-only mutations), the rest rejected.
      expect(outcomes.accepted).toBeGreaterThan(RUNS / 100);
      expect(outcomes.rejected).toBeGreaterThan(RUNS / 2);
    },
    60_000 + RUNS,
  ); // about 0.2 ms a run; long runs get time in proportion
});
