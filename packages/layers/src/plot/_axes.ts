import { niceTicks } from './_svg.js';

/** A linear or logarithmic map from data values to pixels, with the tick values to label. */
export interface Scale {
  /** Tick values inside the data range. */
  readonly ticks: readonly number[];
  /** The pixel position of a value. */
  at(v: number): number;
}

/** Ticks for a log axis over [lo, hi], both > 0: powers of ten (at most about 8), with 2× and 5× over ≤ 3 decades. */
export function logTicks(lo: number, hi: number): number[] {
  const [a, b] = [Math.floor(Math.log10(lo)), Math.ceil(Math.log10(hi))];
  if (b - a <= 1) return niceTicks(lo, hi, 4).filter((t) => t > 0);
  const every = Math.ceil((b - a + 1) / 8);
  // Over a few decades, 2 and 5 times each power help reading values; over many, they would crowd the axis.
  const mantissas = b - a <= 3 ? [1, 2, 5] : [1];
  const ticks: number[] = [];
  for (let e = a; e <= b; e += every) {
    for (const m of mantissas) {
      const v = Number(`${m}e${e}`); // exact decimal values: 10 ** -5 would be 0.000009999…
      if (v >= lo * 0.999 && v <= hi * 1.001) ticks.push(v);
    }
  }
  return ticks;
}

/** A scale from the range of `values` (padded a little, so lines do not sit on the frame) onto [from, to]. */
export function axisTicks(values: readonly number[], log: boolean, from: number, to: number): Scale {
  let [lo, hi] = values.length === 0 ? [0, 1] : extent(values);
  if (log) {
    const [l, h] = lo === hi ? [lo / 2, hi * 2] : [lo, hi];
    const [ll, lh] = [Math.log10(l), Math.log10(h)];
    const pad = (lh - ll) * 0.04;
    const [a, b] = [ll - pad, lh + pad];
    return { ticks: logTicks(10 ** a, 10 ** b), at: (v) => from + ((Math.log10(v) - a) / (b - a)) * (to - from) };
  }
  if (lo === hi) [lo, hi] = [lo - 1, hi + 1];
  const pad = (hi - lo) * 0.04;
  [lo, hi] = [lo - pad, hi + pad];
  return { ticks: niceTicks(lo, hi, 6), at: (v) => from + ((v - lo) / (hi - lo)) * (to - from) };
}

/** [min, max] of non-empty `values`, without spreading them onto the stack (logs can hold many points). */
export function extent(values: readonly number[]): [number, number] {
  let [lo, hi] = [Infinity, -Infinity];
  for (const v of values) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
  return [lo, hi];
}
