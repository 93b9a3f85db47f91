import type { FloatArray } from '../../src/kernels.js';

const SPECIALS = [Number.NaN, Infinity, -Infinity, 0, -0];

/** mulberry32: a tiny deterministic PRNG, so test data depends only on the seed fast-check draws. */
export function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Fills `buf` with test values from `seed`: mostly uniform in [−4, 4], a third small integers (so ties and
 * equal pairs occur), and with `specials` some NaN, ±∞ and ±0.
 */
export function fillValues(buf: FloatArray, seed: number, specials = false): FloatArray {
  const next = prng(seed);
  for (let i = 0; i < buf.length; i++) {
    const u = next();
    if (specials && u < 0.08) buf[i] = SPECIALS[Math.floor(next() * SPECIALS.length)]!;
    else if (u < 0.35) buf[i] = Math.floor(next() * 5) - 2;
    else buf[i] = next() * 8 - 4;
  }
  return buf;
}

/** A buffer of `length` values drawn as {@link fillValues} does. */
export function randomBuffer(alloc: (n: number) => FloatArray, length: number, seed: number, specials = false) {
  return fillValues(alloc(length), seed, specials);
}

/** Values where native and JS kernels tend to part: overflow and underflow edges of exp, ±0, ±∞, NaN, subnormals. */
export const WIDE_SPECIALS = [Number.NaN, Infinity, -Infinity, 0, -0, 1e-300, -1e-300, 1e-30, 709.7, 710, -745, -746, 88.7, -103.9];

/**
 * Fills `buf` with values for the native parity tests: mostly [−4, 4], some wide [−800, 800], tiny, and (unless
 * `specials` is false) some {@link WIDE_SPECIALS}.
 */
export function fillWide<F extends FloatArray>(buf: F, seed: number, specials = true): F {
  const next = prng(seed);
  for (let i = 0; i < buf.length; i++) {
    const u = next();
    if (u < 0.08) buf[i] = specials ? WIDE_SPECIALS[Math.floor(next() * WIDE_SPECIALS.length)]! : next() * 1e6 - 5e5;
    else if (u < 0.2) buf[i] = next() * 1600 - 800;
    else if (u < 0.3) buf[i] = (next() - 0.5) * 1e-6;
    else buf[i] = next() * 8 - 4;
  }
  return buf;
}

/** Fills `buf` with values uniform in [−2, 2]. */
export function fillPlain<F extends FloatArray>(buf: F, seed: number): F {
  const next = prng(seed);
  for (let i = 0; i < buf.length; i++) buf[i] = next() * 4 - 2;
  return buf;
}
