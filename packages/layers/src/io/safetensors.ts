import { Tensor, ValueError } from '@loom/core';
import { DTYPE_SIZES, decode, hostIsLittleEndian } from './_dtypes.js';
import { checkHeader, define, type HeaderEntry } from './_header.js';
import { JsonSyntaxError, parseJson } from './_json.js';

/** The largest header loom reads or writes, as the reference implementation: 100 MB. */
export const MAX_HEADER_BYTES = 100_000_000;
// root → tensor entry → shape: three levels suffice; a little slack keeps messages about the schema, not depth.
const MAX_DEPTH = 8;
// Made once: constructing a TextDecoder costs more than reading a small file. ignoreBOM keeps a leading U+FEFF in
// the text, so the JSON parser rejects it instead of the decoder silently dropping it.
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const utf8 = new TextEncoder();

/** Where a {@link SafetensorsError} happened; each part is present when it is known. */
export interface SafetensorsLocation {
  /** Byte offset in the file (0 is the first byte of the 8-byte header size). */
  readonly offset?: number;
  /** The tensor concerned. */
  readonly tensor?: string;
  /** The file, for errors from the Node helpers. */
  readonly path?: string;
}

/**
 * A safetensors file (or tensors to write) that breaks the format. `what` says what is wrong and `where` the byte
 * offset, tensor and file; the message holds both. A bad file never throws anything else.
 *
 * @example
 * ```ts
 * try { readSafetensors(bytes); } catch (e) { if (e instanceof SafetensorsError) console.log(e.what, e.where.offset); }
 * ```
 */
export class SafetensorsError extends ValueError {
  /** Always `'SafetensorsError'`, so logs show the class. */
  override name = 'SafetensorsError';

  /** An error from `op` (the function that found it) saying `what` is wrong and `where`. */
  constructor(
    /** The function that found the problem, e.g. `'readSafetensors'`. */
    readonly op: string,
    /** What is wrong, without the location. */
    readonly what: string,
    /** Where it is. */
    readonly where: SafetensorsLocation = {},
  ) {
    super(`${op}: ${what}${describeWhere(where)}`);
  }
}

function describeWhere({ tensor, offset, path }: SafetensorsLocation): string {
  const parts = [
    tensor === undefined ? '' : `tensor ${JSON.stringify(tensor)}`,
    offset === undefined ? '' : `byte ${offset}`,
    path === undefined ? '' : `file ${path}`,
  ].filter((p) => p !== '');
  return parts.length === 0 ? '' : ` (${parts.join(', ')})`;
}

/** What {@link readSafetensors} returns. */
export interface SafetensorsContents {
  /** The tensors by name, in the order of their data in the file. */
  tensors: Record<string, Tensor>;
  /** The `__metadata__` strings; empty when the file has none. */
  metadata: Record<string, string>;
}

/**
 * Reads a safetensors file: an 8-byte little-endian header size N, N bytes of UTF-8 JSON
 * `{name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {key: string}}`, then the data, each
 * tensor's bytes at [begin, end) after the header, little-endian, row-major.
 *
 * dtypes: F32 → float32 and F64 → float64 as stored; F16, BF16, F8_E5M2 and F8_E4M3 widen exactly to float32;
 * I8/U8/I16/U16/I32/U32/I64/U64 and BOOL (0/1) become float64, exact (a 64-bit value that float64 cannot hold
 * exactly is an error). F32/F64 data aligned for its typed array is viewed, not copied: do not change `bytes`
 * afterwards. Everything is checked, and any violation is a {@link SafetensorsError} naming the byte and tensor:
 * header size, UTF-8, JSON syntax, duplicate keys (at any depth), fields, dtypes, shapes, and offsets, which must
 * tile the data exactly with no gap, overlap or trailing byte and give each tensor product(shape) × size bytes.
 *
 * @example
 * ```ts
 * const { tensors, metadata } = readSafetensors(new Uint8Array(await readFile('model.safetensors')));
 * tensors['encoder.weight'].shape;
 * ```
 */
export function readSafetensors(bytes: Uint8Array): SafetensorsContents {
  const fail = (what: string, offset?: number, tensor?: string): never => {
    throw new SafetensorsError('readSafetensors', what, { offset, tensor });
  };
  if (!(bytes instanceof Uint8Array)) fail(`expected a Uint8Array, got ${bytes === null ? 'null' : typeof bytes}`);
  if (bytes.length < 8) fail(`the file has ${bytes.length} bytes, fewer than the 8 of the header size`, 0);
  const size = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (size > BigInt(MAX_HEADER_BYTES)) fail(`header size ${size} is larger than the ${MAX_HEADER_BYTES}-byte limit`, 0);
  const n = Number(size);
  if (8 + n > bytes.length) fail(`header size ${n} runs past the end of the ${bytes.length}-byte file`, 0);
  const headerBytes = bytes.subarray(8, 8 + n);
  let text = '';
  try {
    text = strictUtf8.decode(headerBytes);
  } catch {
    fail('the header is not valid UTF-8', 8 + firstInvalidUtf8(headerBytes));
  }
  const byteAt = (index: number) => 8 + utf8.encode(text.slice(0, index)).length;
  let root;
  try {
    root = parseJson(text, MAX_DEPTH);
  } catch (e) {
    if (!(e instanceof JsonSyntaxError)) throw e;
    return fail(`the header is not valid JSON: ${e.message}`, byteAt(e.at));
  }
  const { entries, metadata } = checkHeader(root, byteAt, fail);
  const dataStart = 8 + n;
  checkOffsets(entries, bytes.length - dataStart, dataStart, fail);
  const tensors: Record<string, Tensor> = {};
  for (const e of [...entries].sort(byOffsets)) {
    // checkOffsets proved the byte length is product(shape) × size; a float product could overflow to NaN.
    const count = (e.end - e.begin) / DTYPE_SIZES[e.dtype];
    const slice = bytes.subarray(dataStart + e.begin, dataStart + e.end);
    const data = decode(e.dtype, slice, count, (what, i) => fail(what, dataStart + e.begin + i, e.name));
    define(tensors, e.name, new Tensor(data, e.shape));
  }
  return { tensors, metadata };
}

function byOffsets(a: HeaderEntry, b: HeaderEntry): number {
  return a.begin - b.begin || a.end - b.end;
}

/** Offsets must tile [0, dataLength) in order, each tensor holding exactly product(shape) × size bytes. */
function checkOffsets(
  entries: readonly HeaderEntry[],
  dataLength: number,
  dataStart: number,
  fail: (what: string, offset?: number, tensor?: string) => never,
): void {
  for (const e of entries) {
    if (e.end < e.begin) fail(`data_offsets [${e.begin},${e.end}] end before they begin`, e.at, e.name);
    // BigInt: a product of safe integers can exceed 2^53 and would round, hiding a mismatch.
    const need = e.shape.reduce((a, d) => a * BigInt(d), 1n) * BigInt(DTYPE_SIZES[e.dtype]);
    if (need !== BigInt(e.end - e.begin)) {
      fail(
        `data_offsets [${e.begin},${e.end}] hold ${e.end - e.begin} bytes but shape [${e.shape.join(',')}] of ${e.dtype} needs ${need}`,
        e.at,
        e.name,
      );
    }
  }
  let end = 0;
  for (const e of [...entries].sort(byOffsets)) {
    if (e.begin > end) fail(`data_offsets [${e.begin},${e.end}] leave a gap: the previous tensor ends at ${end}`, e.at, e.name);
    if (e.begin < end) fail(`data_offsets [${e.begin},${e.end}] overlap the previous tensor, which ends at ${end}`, e.at, e.name);
    if (e.end > dataLength) fail(`data_offsets [${e.begin},${e.end}] run past the end of the ${dataLength}-byte data`, e.at, e.name);
    end = e.end;
  }
  if (end < dataLength) fail(`${dataLength - end} trailing bytes after the last tensor`, dataStart + end);
}

/** Index of the first byte where `bytes` stops being valid UTF-8 (for the message only). */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let lo = 0;
  let hi = bytes.length;
  const valid = (k: number) => {
    try {
      strictUtf8.decode(bytes.subarray(0, k));
      return true;
    } catch {
      return false;
    }
  };
  // A valid prefix may end inside a multi-byte character, so back off to the last prefix that decodes.
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (valid(mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** A header and the tensors' bytes in file order, ready to be concatenated or written piece by piece. */
export interface EncodedSafetensors {
  /** The 8-byte size followed by the space-padded JSON header. */
  readonly header: Uint8Array;
  /** Each tensor's little-endian bytes, in the order the header's offsets give. */
  readonly chunks: readonly Uint8Array[];
}

/**
 * Encodes tensors as safetensors, the way the reference implementation does: tensors sorted by element size
 * (F64 first, so every tensor stays aligned) then by name, `__metadata__` first when there is metadata, the JSON
 * padded with spaces to a multiple of 8 bytes. Used by {@link writeSafetensors} and the Node helpers.
 */
export function encodeSafetensors(op: string, tensors: Record<string, Tensor>, metadata: Record<string, string> = {}): EncodedSafetensors {
  const fail = (what: string, tensor?: string): never => {
    throw new SafetensorsError(op, what, tensor === undefined ? {} : { tensor });
  };
  if (tensors === null || typeof tensors !== 'object')
    fail(`tensors must be an object of Tensors, got ${tensors === null ? 'null' : typeof tensors}`);
  if (metadata === null || typeof metadata !== 'object')
    fail(`metadata must be an object of strings, got ${metadata === null ? 'null' : typeof metadata}`);
  const named = Object.entries(tensors);
  for (const [name, t] of named) {
    if (!(t instanceof Tensor)) fail(`value is not a Tensor`, name);
    if (name === '__metadata__') fail(`"__metadata__" is reserved for the metadata and cannot name a tensor`, name);
    if (LONE_SURROGATE.test(name)) fail(`the name has a lone UTF-16 surrogate, which UTF-8 cannot encode`, name);
  }
  const metaEntries = Object.entries(metadata).sort(([a], [b]) => compareCodePoints(a, b));
  for (const [key, value] of metaEntries) {
    if (typeof value !== 'string') fail(`metadata value of ${JSON.stringify(key)} must be a string, got ${typeof value}`);
    if (LONE_SURROGATE.test(key) || LONE_SURROGATE.test(value)) fail(`metadata ${JSON.stringify(key)} has a lone UTF-16 surrogate`);
  }
  named.sort(([a, x], [b, y]) => y.data.BYTES_PER_ELEMENT - x.data.BYTES_PER_ELEMENT || compareCodePoints(a, b));
  const parts: string[] = [];
  if (metaEntries.length > 0)
    parts.push(`"__metadata__":{${metaEntries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`);
  let offset = 0;
  const chunks = named.map(([name, t]) => {
    const bytes = tensorBytes(t);
    const dtype = t.dtype === 'float32' ? 'F32' : 'F64';
    parts.push(
      `${JSON.stringify(name)}:{"dtype":"${dtype}","shape":[${t.shape.join(',')}],"data_offsets":[${offset},${offset + bytes.length}]}`,
    );
    offset += bytes.length;
    return bytes;
  });
  const json = utf8.encode(`{${parts.join(',')}}`);
  const n = json.length + ((8 - (json.length % 8)) % 8);
  if (n > MAX_HEADER_BYTES) fail(`the header would take ${n} bytes, more than the ${MAX_HEADER_BYTES}-byte limit readers accept`);
  const header = new Uint8Array(8 + n).fill(0x20, 8 + json.length);
  new DataView(header.buffer).setBigUint64(0, BigInt(n), true);
  header.set(json, 8);
  return { header, chunks };
}

const LONE_SURROGATE = /\p{Cs}/u;

/** Orders strings by code point, which is the byte order of their UTF-8 (JS's `<` compares UTF-16 units). */
function compareCodePoints(a: string, b: string): number {
  for (let i = 0, j = 0; i < a.length && j < b.length;) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(j)!;
    if (x !== y) return x - y;
    i += x > 0xffff ? 2 : 1;
    j += y > 0xffff ? 2 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

function tensorBytes(t: Tensor): Uint8Array {
  const data = t.data;
  if (hostIsLittleEndian) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const out = new Uint8Array(data.byteLength);
  const view = new DataView(out.buffer);
  for (let i = 0; i < data.length; i++) {
    if (data instanceof Float32Array) view.setFloat32(4 * i, data[i]!, true);
    else view.setFloat64(8 * i, data[i]!, true);
  }
  return out;
}

/**
 * Writes tensors and string metadata as a safetensors file (see {@link readSafetensors} for the layout), byte for
 * byte as the reference implementation: float32 tensors as F32, float64 as F64, sorted by element size then name,
 * the header padded with spaces to a multiple of 8 bytes so every tensor is aligned. `__metadata__` is written when
 * `metadata` has a key. Throws {@link SafetensorsError} for a value that is not a Tensor, a tensor named
 * `__metadata__`, a metadata value that is not a string, or a name with a lone UTF-16 surrogate.
 *
 * @example
 * ```ts
 * const bytes = writeSafetensors({ weight: randn([2, 3]) }, { epoch: '3' });
 * readSafetensors(bytes).metadata.epoch; // '3'
 * ```
 */
export function writeSafetensors(tensors: Record<string, Tensor>, metadata?: Record<string, string>): Uint8Array {
  const { header, chunks } = encodeSafetensors('writeSafetensors', tensors, metadata);
  const out = new Uint8Array(header.length + chunks.reduce((n, c) => n + c.length, 0));
  out.set(header);
  let at = header.length;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
