/**
 * The safetensors dtypes loom reads, their element sizes, and the decoders that turn their little-endian bytes
 * into loom's float32 or float64 elements. Every decoder is exact: narrow floats widen to float32 without rounding,
 * integers and booleans become float64 (exact for every 8-, 16- and 32-bit value; 64-bit values must be exactly
 * representable, which all with |v| ≤ 2^53 are).
 */
import type { FloatArray } from '@loom/ops';

/** A safetensors dtype name that loom reads. */
export type SafetensorsDType =
  'F64' | 'F32' | 'F16' | 'BF16' | 'F8_E5M2' | 'F8_E4M3' | 'I64' | 'U64' | 'I32' | 'U32' | 'I16' | 'U16' | 'I8' | 'U8' | 'BOOL';

/** Bytes per element of each dtype loom reads, named as in the safetensors header. */
export const DTYPE_SIZES: Readonly<Record<SafetensorsDType, number>> = {
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  F8_E5M2: 1,
  F8_E4M3: 1,
  I64: 8,
  U64: 8,
  I32: 4,
  U32: 4,
  I16: 2,
  U16: 2,
  I8: 1,
  U8: 1,
  BOOL: 1,
};

/** Whether `name` is a dtype loom reads. */
export function isDType(name: string): name is SafetensorsDType {
  return Object.hasOwn(DTYPE_SIZES, name);
}

/** True on little-endian hosts (all common ones), where float bytes can be copied or viewed as they are. */
export const hostIsLittleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Reports a bad element: what is wrong and the index of its first byte within the tensor's bytes. */
export type DecodeFailure = (what: string, byteIndex: number) => never;

/**
 * Decodes `count` elements of `dtype` from `bytes` (exactly count × size bytes). F32 and F64 data that is aligned
 * for its typed array is viewed without a copy on little-endian hosts; everything else is copied.
 */
export function decode(dtype: SafetensorsDType, bytes: Uint8Array, count: number, fail: DecodeFailure): FloatArray {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (dtype) {
    case 'F32':
    case 'F64':
      return decodeNative(dtype, bytes, count, view);
    case 'F16':
      return fill32(count, (i) => half(view.getUint16(2 * i, true)));
    case 'BF16': {
      // bfloat16 is the top half of a float32, so shifting its bits up gives the float32 exactly (NaN payloads too).
      const bits = new Uint32Array(count);
      for (let i = 0; i < count; i++) bits[i] = view.getUint16(2 * i, true) << 16;
      return new Float32Array(bits.buffer);
    }
    case 'F8_E5M2':
      return fill32(count, (i) => e5m2(bytes[i]!));
    case 'F8_E4M3':
      return fill32(count, (i) => e4m3(bytes[i]!));
    case 'I64':
    case 'U64':
      return fill64(count, (i) => int64(view, 8 * i, dtype === 'I64', fail));
    case 'I32':
      return fill64(count, (i) => view.getInt32(4 * i, true));
    case 'U32':
      return fill64(count, (i) => view.getUint32(4 * i, true));
    case 'I16':
      return fill64(count, (i) => view.getInt16(2 * i, true));
    case 'U16':
      return fill64(count, (i) => view.getUint16(2 * i, true));
    case 'I8':
      return fill64(count, (i) => view.getInt8(i));
    case 'U8':
      return fill64(count, (i) => bytes[i]!);
    case 'BOOL':
      return fill64(count, (i) => {
        const b = bytes[i]!;
        return b <= 1 ? b : fail(`BOOL element ${i} is byte ${b}; booleans must be 0 or 1`, i);
      });
  }
}

function decodeNative(dtype: 'F32' | 'F64', bytes: Uint8Array, count: number, view: DataView): FloatArray {
  const size = DTYPE_SIZES[dtype];
  const Type = dtype === 'F32' ? Float32Array : Float64Array;
  if (!hostIsLittleEndian) {
    const out = new Type(count);
    for (let i = 0; i < count; i++) out[i] = dtype === 'F32' ? view.getFloat32(4 * i, true) : view.getFloat64(8 * i, true);
    return out;
  }
  // A typed array view needs its byte offset to be a multiple of the element size; unaligned data is copied.
  if (bytes.byteOffset % size === 0) return new Type(bytes.buffer as ArrayBuffer, bytes.byteOffset, count);
  const out = new Type(count);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

function fill32(count: number, element: (i: number) => number): Float32Array {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = element(i);
  return out;
}

function fill64(count: number, element: (i: number) => number): Float64Array {
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) out[i] = element(i);
  return out;
}

/** IEEE binary16: 1 sign, 5 exponent (bias 15), 10 mantissa bits. */
function half(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >> 10) & 0x1f;
  const frac = bits & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac === 0 ? sign * Infinity : NaN;
  return sign * (1024 + frac) * 2 ** (exp - 25);
}

/** OCP FP8 E5M2: 1 sign, 5 exponent (bias 15), 2 mantissa bits, IEEE-style infinities and NaNs. */
function e5m2(bits: number): number {
  const sign = bits & 0x80 ? -1 : 1;
  const exp = (bits >> 2) & 0x1f;
  const frac = bits & 0x3;
  if (exp === 0) return sign * frac * 2 ** -16;
  if (exp === 0x1f) return frac === 0 ? sign * Infinity : NaN;
  return sign * (4 + frac) * 2 ** (exp - 17);
}

/** OCP FP8 E4M3 ("fn"): 1 sign, 4 exponent (bias 7), 3 mantissa bits, no infinities, S.1111.111 is NaN. */
function e4m3(bits: number): number {
  const sign = bits & 0x80 ? -1 : 1;
  const exp = (bits >> 3) & 0xf;
  const frac = bits & 0x7;
  if (exp === 0) return sign * frac * 2 ** -9;
  if (exp === 0xf && frac === 0x7) return NaN;
  return sign * (8 + frac) * 2 ** (exp - 10);
}

/** A 64-bit integer as a number, or a failure when float64 cannot hold it exactly. */
function int64(view: DataView, at: number, signed: boolean, fail: DecodeFailure): number {
  const lo = view.getUint32(at, true);
  const hi = signed ? view.getInt32(at + 4, true) : view.getUint32(at + 4, true);
  // |hi| < 2^21 keeps |v| < 2^53, where every integer is exact: the common case needs no BigInt.
  if (hi < 2 ** 21 && hi >= -(2 ** 21)) return hi * 2 ** 32 + lo;
  const big = signed ? view.getBigInt64(at, true) : view.getBigUint64(at, true);
  const value = Number(big);
  if (BigInt(value) !== big) fail(`${signed ? 'I64' : 'U64'} value ${big} is not exactly representable as a float64 number`, at);
  return value;
}
