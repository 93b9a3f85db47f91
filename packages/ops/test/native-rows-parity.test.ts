// Parity of the native row kernels (copyRows, sumLeading, addRow/mulRow/subRow) with the JS kernels, exact to the
// bit, both on the raw addon (any size) and through withNative (thresholds included); and their argument checks.
// Skipped like native-parity.test.ts when the addon is not available.
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import type { FloatArray, View } from '../src/kernels.js';
import { createJsKernels } from '../src/js/index.js';
import { planLoop } from '../src/js/strided.js';
import { loadNative, nativeThresholds, withNative, type NativeBinary, type NativeCopyRows, type NativeSumLeading } from '../src/native.js';
import { DTYPES, type DTypeCase } from './support/dtypes.js';
import { count, ravel } from './support/indexing.js';
import { fillWide, prng } from './support/values.js';

const { addon, reason } = loadNative();
const title = addon ? `native row kernels (${reason})` : `native row kernels: SKIPPED, the native addon is unavailable: ${reason}`;

const fn = <T>(name: string, dt: DTypeCase): T => (addon as unknown as Record<string, T>)[name + (dt.name === 'float32' ? 'F32' : 'F64')]!;

/** The first index where `got` and `want` differ as bits would (Object.is: −0 ≠ 0, NaN = NaN), or −1. */
function firstDiff(got: ArrayLike<number>, want: ArrayLike<number>): number {
  if (got.length !== want.length) return Math.min(got.length, want.length);
  for (let i = 0; i < want.length; i++) if (!Object.is(got[i], want[i])) return i;
  return -1;
}

function expectSame(got: ArrayLike<number>, want: ArrayLike<number>, what: string): void {
  const i = firstDiff(got, want);
  expect(i, `${what}: element ${i} is ${got[i]}, want ${want[i]}`).toBe(-1);
}

/** A dim: mostly around the SIMD widths and the thresholds, sometimes 0 or 1. */
const dim = (max: number) =>
  fc.oneof({ arbitrary: fc.constantFrom(0, 1), weight: 1 }, { arbitrary: fc.integer({ min: 2, max }), weight: 6 });

/**
 * A box of rank 2 or 3 cut out of a larger contiguous source and placed into a larger contiguous destination, so
 * each side has row strides and an offset; sometimes the source's first axis is expanded (stride 0).
 */
const copyCaseArb = fc.oneof(fc.tuple(dim(40), dim(90)), fc.tuple(dim(4), dim(12), dim(70))).chain((box) =>
  fc.record({
    box: fc.constant(box),
    srcPad: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: box.length, maxLength: box.length }),
    dstPad: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: box.length, maxLength: box.length }),
    expand: fc.boolean(),
    seed: fc.integer(),
  }),
);

/** The view of `box` at `start` inside a contiguous parent of shape box + pad (the start sits within the pad). */
function placed(box: number[], pad: number[], expand: boolean): { view: View; length: number } {
  const parent = box.map((d, i) => d + pad[i]!);
  const strides = parent.map((_, i) => count(parent.slice(i + 1)));
  const start = pad.map((p) => Math.floor(p / 2));
  if (expand) strides[0] = 0;
  return { view: { offset: ravel(start, parent), strides }, length: Math.max(1, count(parent)) };
}

describe.skipIf(!addon)(title, () => {
  describe.each(DTYPES)('$name', (dt) => {
    const js = createJsKernels<FloatArray>();
    const k = () => withNative(js, addon!, dt.name);

    test.prop([copyCaseArb])('copy of equally spaced rows matches JS exactly, raw and through withNative', (c) => {
      const from = placed(c.box, c.srcPad, c.expand);
      const to = placed(c.box, c.dstPad, false);
      const src = fillWide(dt.alloc(from.length), c.seed);
      const want = fillWide(dt.alloc(to.length), c.seed ^ 0x2545f491);
      const got = want.slice();
      js.copy(src, from.view, want, to.view, c.box);
      k().copy(src, from.view, got, to.view, c.box);
      expectSame(got, want, `withNative copy of ${JSON.stringify(c.box)}`);
      // The raw kernel at any size, wherever withNative would route it above the threshold.
      const loop = planLoop(c.box, [from.view.strides, to.view.strides]);
      if (loop.outer.length !== 1 || loop.innerStrides[0] !== 1 || loop.innerStrides[1] !== 1) return;
      const raw = fillWide(dt.alloc(to.length), c.seed ^ 0x2545f491);
      const [ss, ds] = [loop.outerStrides[0]![0]!, loop.outerStrides[1]![0]!];
      fn<NativeCopyRows<FloatArray>>('copyRows', dt)(src, from.view.offset, ss, raw, to.view.offset, ds, loop.rows, loop.inner);
      expectSame(raw, want, `raw copyRows of ${JSON.stringify(c.box)}`);
    });

    // Rows not a multiple of 4 (the JS pass takes four), widths past the native 1024-column block, sizes 0 and 1.
    const sumCaseArb = fc.record({
      shape: fc.oneof(
        fc.array(dim(9), { minLength: 1, maxLength: 4 }),
        fc.tuple(dim(13), fc.integer({ min: 1, max: 2100 })),
        fc.tuple(fc.integer({ min: 0, max: 3000 })),
      ),
      lead: fc.integer({ min: 1, max: 4 }),
      specials: fc.boolean(),
      seed: fc.integer(),
    });
    test.prop([sumCaseArb])('sum over leading axes matches JS bit for bit, raw and through withNative', (c) => {
      const { shape, specials, seed } = c;
      const lead = Math.min(c.lead, shape.length); // 1, 2 or all axes
      const axes = shape.slice(0, lead).map((_, d) => d);
      const x = fillWide(dt.alloc(count(shape)), seed, specials);
      const width = count(shape.slice(lead));
      const want = dt.alloc(width);
      js.sum(x, shape, axes, want);
      const got = dt.alloc(width).fill(Number.NaN);
      k().sum(x, shape, axes, got);
      expectSame(got, want, `withNative sum of ${JSON.stringify(shape)} over ${lead} axes`);
      const raw = dt.alloc(width).fill(Number.NaN);
      fn<NativeSumLeading<FloatArray>>('sumLeading', dt)(x, count(shape.slice(0, lead)), width, raw);
      expectSame(raw, want, `raw sumLeading of ${JSON.stringify(shape)} over ${lead} axes`);
    });

    // ±1e30 swallows a small addend in one order and not in another (1 + 1e30 − 1e30 is 0, 1 + (1e30 − 1e30) is 1),
    // so any change of association shows, in float32 too, where summing in double is otherwise exact.
    it('sums whose result depends on the order of additions match too', () => {
      const n = 1 << 16;
      const next = prng(11);
      const x = dt.alloc(n).map(() => {
        const u = next();
        return u < 0.15 ? (u < 0.075 ? 1e30 : -1e30) : u < 0.6 ? Math.round(next() * 8 - 4) : next() - 0.5;
      });
      for (const shape of [[n], [n - 3], [n / 1024, 1024], [(n / 1000) | 0, 1000], [7, 9, 13], [5, 3, 2]]) {
        const view = x.subarray(0, count(shape));
        const width = shape.length === 1 ? 1 : shape[shape.length - 1]!;
        const axes = shape.length === 1 ? [0] : shape.slice(0, -1).map((_, d) => d);
        const want = dt.alloc(width);
        js.sum(view, shape, axes, want);
        const got = dt.alloc(width);
        k().sum(view, shape, axes, got);
        expectSame(got, want, `sum of ${JSON.stringify(shape)}`);
        const raw = dt.alloc(width);
        fn<NativeSumLeading<FloatArray>>('sumLeading', dt)(view, view.length / width, width, raw);
        expectSame(raw, want, `raw sumLeading of ${JSON.stringify(shape)}`);
      }
      // Short full sums, where the final a0 + a1 + (a2 + a3) decides as often as the quads do.
      for (let start = 0; start < 64; start += 3) {
        for (let length = 0; length <= 40; length++) {
          const view = x.subarray(start, start + length);
          const want = dt.alloc(1);
          js.sum(view, [length], [0], want);
          const raw = dt.alloc(1);
          fn<NativeSumLeading<FloatArray>>('sumLeading', dt)(view, length, 1, raw);
          expectSame(raw, want, `raw full sum of x[${start}, ${start + length})`);
        }
      }
    });

    describe.each(['add', 'sub', 'mul'] as const)('%sRow', (name) => {
      test.prop([fc.integer({ min: 0, max: 9 }), fc.integer({ min: 1, max: 150 }), fc.integer()])(
        'matches JS exactly for any row count and width',
        (rows, width, seed) => {
          const full = fillWide(dt.alloc(rows * width), seed);
          const row = fillWide(dt.alloc(width), seed ^ 0x5bd1e995);
          const want = dt.alloc(rows * width);
          js[name](full, [rows, width], row, [width], want, [rows, width]);
          const got = dt.alloc(rows * width).fill(Number.NaN);
          fn<NativeBinary<FloatArray>>(`${name}Row`, dt)(full, row, got);
          expectSame(got, want, `[${rows}, ${width}] ${name} [${width}]`);
        },
      );
    });

    it('a batch of biases above the threshold gives the JS result', () => {
      const [rows, width] = [33, Math.max(64, nativeThresholds.add)];
      const full = fillWide(dt.alloc(rows * width), 3);
      const row = fillWide(dt.alloc(width), 4);
      for (const name of ['add', 'sub', 'mul'] as const) {
        const want = dt.alloc(rows * width);
        js[name](full, [rows, width], row, [1, width], want, [rows, width]);
        const got = dt.alloc(rows * width);
        k()[name](full, [rows, width], row, [1, width], got, [rows, width]);
        expectSame(got, want, name);
      }
    });
  });

  it('copyRows rejects bad offsets, strides and sizes, and rows outside a buffer, without touching memory', () => {
    const copyRows = addon!.copyRowsF32;
    const src = new Float32Array(10).fill(1);
    const dst = new Float32Array(10);
    const bad: [number, number, number, number, number, number][] = [
      [8, 4, 0, 4, 2, 3], // src row 1 ends at 15
      [0, 4, 7, 4, 2, 3], // dst row 1 ends at 14
      [0, 0, 0, 0, 1, 11], // a row longer than either buffer
      [10, 0, 0, 0, 1, 1], // src offset at the end
      [-1, 4, 0, 4, 2, 3],
      [0, -4, 0, 4, 2, 3],
      [0.5, 4, 0, 4, 2, 3],
      [0, 4, 0, 4, 2.5, 3],
      [0, 4, 0, 4, 2, Number.NaN],
      [0, Infinity, 0, 4, 2, 3],
      [0, 2 ** 53, 0, 4, 2, 3], // past 2^53 − 1: not an exact integer any more
      [0, 2 ** 53 - 1, 0, 0, 2 ** 53 - 1, 1], // (rows − 1)·stride overflows 64 bits
      [0, 1, 0, 1, 2 ** 52, 1],
    ];
    for (const [so, ss, d0, ds, rows, width] of bad) {
      expect(() => copyRows(src, so, ss, dst, d0, ds, rows, width), JSON.stringify([so, ss, d0, ds, rows, width])).toThrow(RangeError);
    }
    expect(dst.every((v) => v === 0)).toBe(true);
    const call = copyRows as unknown as (...args: unknown[]) => void;
    expect(() => call(src, 0, 4, dst, 0, 4, 2)).toThrow(RangeError); // width missing
    expect(() => call(src, '0', 4, dst, 0, 4, 2, 3)).toThrow(RangeError);
    expect(() => call(new Float64Array(10), 0, 4, dst, 0, 4, 2, 3)).toThrow(TypeError);
    expect(() => call(src, 0, 4, [0, 0], 0, 4, 2, 3)).toThrow(TypeError);
    copyRows(src, 99, 99, dst, 99, 99, 0, 3); // no rows: nothing to read or write, so any offset is accepted
    copyRows(src, 99, 99, dst, 99, 99, 3, 0);
    expect(dst.every((v) => v === 0)).toBe(true);
    copyRows(src, 6, 0, dst, 0, 3, 3, 4); // both ends exactly at the buffers' ends: src[6, 10) into dst[0, 10)
    expect(dst.every((v) => v === 1)).toBe(true);
  });

  it('sumLeading rejects short buffers and bad sizes', () => {
    const sum = addon!.sumLeadingF64;
    const x = new Float64Array(12).fill(1);
    const out = new Float64Array(4);
    for (const [rows, width, o] of [
      [4, 4, out], // x holds 12, not 16
      [3, 5, out], // out holds 4, not 5
      [13, 1, out],
      [-1, 4, out],
      [1.5, 4, out],
      [2 ** 40, 2 ** 40, out], // rows·width overflows 64 bits
      [3, Number.NaN, out],
    ] as const) {
      expect(() => sum(x, rows, width, o), `${rows} × ${width}`).toThrow(RangeError);
    }
    expect(out.every((v) => v === 0)).toBe(true);
    expect(() => sum(new Float32Array(12) as unknown as Float64Array, 3, 4, out)).toThrow(TypeError);
    sum(x, 0, 4, out); // no rows: zeros
    expect(Array.from(out)).toEqual([0, 0, 0, 0]);
    sum(x, 3, 0, out); // no columns: nothing written
    sum(x, 3, 4, out);
    expect(Array.from(out)).toEqual([3, 3, 3, 3]);
    sum(x, 12, 1, out);
    expect(out[0]).toBe(12);
  });

  it('the row kernels reject an output that is not whole rows, or longer than the full operand', () => {
    for (const name of ['addRowF32', 'mulRowF32', 'subRowF32'] as const) {
      const byRow = addon![name];
      const f = (n: number) => new Float32Array(n).fill(2);
      expect(() => byRow(f(10), f(3), f(10)), `${name}: 10 is not a multiple of 3`).toThrow(RangeError);
      expect(() => byRow(f(10), f(0), f(10)), `${name}: empty row`).toThrow(RangeError);
      expect(() => byRow(f(8), f(4), f(12)), `${name}: full shorter than out`).toThrow(RangeError);
      expect(() => byRow(f(8), new Float64Array(4) as unknown as Float32Array, f(8))).toThrow(TypeError);
      byRow(f(0), f(0), f(0)); // nothing to do
      byRow(f(0), f(4), f(0));
      const out = f(12);
      byRow(f(16), f(4), out); // full may be longer than out; only out's rows are computed
      expect(out[11]).toBe(name === 'addRowF32' ? 4 : name === 'mulRowF32' ? 4 : 0);
    }
  });
});
