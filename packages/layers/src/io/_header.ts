/**
 * Checks a parsed safetensors header against the format: one `__metadata__` object of strings, and per tensor
 * exactly `dtype`, `shape` and `data_offsets`. Positions are reported as byte offsets in the file.
 */
import { DTYPE_SIZES, isDType, type SafetensorsDType } from './_dtypes.js';
import type { JsonEntry, JsonObject, JsonValue } from './_json.js';

/** One tensor's header entry, checked. */
export interface HeaderEntry {
  readonly name: string;
  readonly dtype: SafetensorsDType;
  readonly shape: readonly number[];
  readonly begin: number;
  readonly end: number;
  /** Byte offset of the entry's name in the file, for messages. */
  readonly at: number;
}

/** The checked header: tensors in file order, and the metadata. */
export interface Header {
  readonly entries: readonly HeaderEntry[];
  readonly metadata: Record<string, string>;
}

/** Reports a problem: what is wrong, the byte offset in the file, and the tensor it concerns. */
export type HeaderFailure = (what: string, at: number, tensor?: string) => never;

const FIELDS = ['dtype', 'shape', 'data_offsets'] as const;
const INTEGER = /^(?:0|[1-9][0-9]*)$/;

/** Checks the header `root`; `byteAt` maps a character index of the header text to a byte offset in the file. */
export function checkHeader(root: JsonValue, byteAt: (index: number) => number, fail: HeaderFailure): Header {
  if (root.kind !== 'object') fail(`the header must be a JSON object, got ${describe(root)}`, byteAt(root.at));
  const entries: HeaderEntry[] = [];
  const metadata: Record<string, string> = {};
  for (const entry of (root as JsonObject).entries) {
    if (entry.key === '__metadata__') readMetadata(entry, metadata, byteAt, fail);
    else entries.push(readEntry(entry, byteAt, fail));
  }
  return { entries, metadata };
}

function readMetadata(entry: JsonEntry, out: Record<string, string>, byteAt: (index: number) => number, fail: HeaderFailure): void {
  const { value } = entry;
  if (value.kind !== 'object') fail(`__metadata__ must be an object of strings, got ${describe(value)}`, byteAt(value.at));
  for (const { key, value: v } of (value as JsonObject).entries) {
    if (v.kind !== 'string') fail(`__metadata__ value of ${JSON.stringify(key)} must be a string, got ${describe(v)}`, byteAt(v.at));
    define(out, key, v.value);
  }
}

function readEntry(entry: JsonEntry, byteAt: (index: number) => number, fail: HeaderFailure): HeaderEntry {
  const { key: name, value } = entry;
  const at = byteAt(entry.keyAt);
  const bad = (what: string, where: JsonValue | undefined): never => fail(what, where === undefined ? at : byteAt(where.at), name);
  if (value.kind !== 'object') return bad(`the entry must be an object with dtype, shape and data_offsets, got ${describe(value)}`, value);
  const fields = new Map((value as JsonObject).entries.map((e) => [e.key, e]));
  for (const e of (value as JsonObject).entries) {
    if (!(FIELDS as readonly string[]).includes(e.key))
      fail(`unexpected field ${JSON.stringify(e.key)} (expected dtype, shape, data_offsets)`, byteAt(e.keyAt), name);
  }
  for (const f of FIELDS) if (!fields.has(f)) bad(`missing field "${f}"`, value);
  const dtypeValue = fields.get('dtype')!.value;
  if (dtypeValue.kind !== 'string') bad(`dtype must be a string, got ${describe(dtypeValue)}`, dtypeValue);
  const dtype = (dtypeValue as { value: string }).value;
  if (!isDType(dtype)) bad(`unknown dtype ${JSON.stringify(dtype)} (loom reads ${Object.keys(DTYPE_SIZES).join(', ')})`, dtypeValue);
  const shape = integers(fields.get('shape')!.value, 'shape', undefined, bad);
  const offsets = integers(fields.get('data_offsets')!.value, 'data_offsets', 2, bad);
  return { name, dtype: dtype as SafetensorsDType, shape, begin: offsets[0]!, end: offsets[1]!, at };
}

/** An array of non-negative safe integers (of length `length`, when given). */
function integers(value: JsonValue, field: string, length: number | undefined, bad: (what: string, where: JsonValue) => never): number[] {
  const what = length === undefined ? 'an array of non-negative integers' : `an array of ${length} non-negative integers`;
  if (value.kind !== 'array' || (length !== undefined && value.items.length !== length))
    bad(`${field} must be ${what}, got ${describe(value)}`, value);
  return (value as { items: readonly JsonValue[] }).items.map((item, i) => {
    if (item.kind !== 'number' || !INTEGER.test(item.text))
      bad(`${field}[${i}] must be a non-negative integer, got ${describe(item)}`, item);
    const n = Number((item as { text: string }).text);
    if (!Number.isSafeInteger(n)) bad(`${field}[${i}] = ${(item as { text: string }).text} is larger than 2^53 - 1`, item);
    return n;
  });
}

function describe(value: JsonValue): string {
  switch (value.kind) {
    case 'number':
      return value.text;
    case 'string':
      return JSON.stringify(value.value.length > 40 ? `${value.value.slice(0, 40)}…` : value.value);
    case 'array':
      return `an array of ${value.items.length}`;
    case 'object':
      return 'an object';
    default:
      return value.kind;
  }
}

/** Sets `key` as an own property, so names like `__proto__` are stored, not treated as the prototype. */
export function define<T>(record: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
}
