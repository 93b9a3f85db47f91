/** Hand-built safetensors files for the reader's tests: any header text, any data bytes, no padding unless asked. */

/** A file with header `header` (a JSON string, or an object to stringify) and data `data`, padded to `pad` bytes. */
export function rawFile(header: string | object, data: ArrayLike<number> = [], pad = 1): Uint8Array {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const n = Math.ceil(json.length / pad) * pad;
  return withSize(concat(json, new Uint8Array(n - json.length).fill(0x20), Uint8Array.from(data)), n);
}

/** `rest` behind an 8-byte little-endian size field holding `size`. */
export function withSize(rest: Uint8Array, size: number | bigint): Uint8Array {
  const out = new Uint8Array(8 + rest.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(size), true);
  out.set(rest, 8);
  return out;
}

/** The concatenation of byte arrays. */
export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Little-endian bytes of `values` written with the DataView setter `set` at `size` bytes each. */
export function bytesOf(
  values: readonly (number | bigint)[],
  size: number,
  set: (view: DataView, at: number, v: never) => void,
): Uint8Array {
  const out = new Uint8Array(values.length * size);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => set(view, i * size, v as never));
  return out;
}

/** The header of a safetensors file as text (without padding), for tests that inspect what was written. */
export function headerText(bytes: Uint8Array): string {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  return new TextDecoder().decode(bytes.subarray(8, 8 + n)).trimEnd();
}

/** The raw bytes of a typed array (to compare floats bit for bit, NaN payloads and −0 included). */
export function rawBytes(a: Float32Array | Float64Array): number[] {
  return Array.from(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
}
