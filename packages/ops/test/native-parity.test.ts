// Parity of every native kernel with its JS kernel, on the raw addon (no size thresholds). Skipped, with the reason
// in the suite name, when the addon is not built or LOOM_NO_NATIVE=1; CI builds it, so there it runs.
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import type { FloatArray, Kernels, MatmulLayout } from '../src/kernels.js';
import { createJsKernels } from '../src/js/index.js';
import { loadNative, nativeThresholds, SCRATCH_CAP, withNative, type NativeAddon, type NativeMatmul } from '../src/native.js';
import { matmulLayoutArb } from './support/arbitraries.js';
import { expectMatch } from './support/compare.js';
import { DTYPES, type DTypeCase } from './support/dtypes.js';
import { fillPlain, fillWide, WIDE_SPECIALS as SPECIALS } from './support/values.js';

const { addon, reason } = loadNative();
const title = addon ? `native parity (${reason})` : `native parity: SKIPPED, the native addon is unavailable: ${reason}`;
// The default reporter shows a skipped file without its suite names, so say why once on stderr too.
if (!addon) console.warn(title);

/** Lengths around and away from multiples of every SIMD width (4, 8, 16 lanes), including 0 and 1. */
const lengthArb = fc.oneof(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 41, max: 600 }));

const fn = <T>(a: NativeAddon, name: string, dt: DTypeCase): T =>
  (a as unknown as Record<string, T>)[name + (dt.name === 'float32' ? 'F32' : 'F64')]!;

// CI sets LOOM_REQUIRE_NATIVE=1 once it has installed a compiler, so a broken build fails there instead of skipping.
const required = process.env['LOOM_REQUIRE_NATIVE'] === '1' && process.env['LOOM_NO_NATIVE'] !== '1';
describe.runIf(required && !addon)('native addon (LOOM_REQUIRE_NATIVE=1)', () => {
  it('is built and loads', () => expect.fail(reason));
});

describe.skipIf(!addon)(title, () => {
  const native = addon!;

  describe.each(DTYPES)('$name', (dt) => {
    const js = createJsKernels<FloatArray>();
    // Relative error allowed on top of JS's own rounding: f32 kernels compute in float, JS in double then rounds.
    const rtol = dt.name === 'float32' ? 2e-6 : 1e-13;

    describe.each(['exp', 'tanh', 'sigmoid'] as const)('%s', (name) => {
      test.prop([lengthArb, fc.integer()])('matches JS on any length, with specials', (length, seed) => {
        const x = fillWide(dt.alloc(length), seed);
        const want = dt.alloc(length);
        js[name](x, want);
        const got = dt.alloc(length).fill(12345);
        fn<(x: FloatArray, o: FloatArray) => void>(native, name, dt)(x, got);
        expectMatch(
          got,
          want,
          (i) => rtol * Math.abs(want[i]!) + 4 * dt.tiny,
          (i) => `at x = ${x[i]}`,
        );
      });

      it('works in place', () => {
        const x = fillWide(dt.alloc(37), 7);
        const want = dt.alloc(37);
        js[name](x, want);
        fn<(x: FloatArray, o: FloatArray) => void>(native, name, dt)(x, x);
        expectMatch(x, want, (i) => rtol * Math.abs(want[i]!) + 4 * dt.tiny);
      });
    });

    // Computed in double as JS computes them, then rounded once to the dtype: equal for float32 too, not just close.
    describe.each(['sigmoidGrad', 'tanhGrad'] as const)('%s', (name) => {
      const grad = () => fn<(gy: FloatArray, y: FloatArray, o: FloatArray) => void>(native, name, dt);
      test.prop([lengthArb, fc.integer()])('matches JS exactly on any length, with specials', (length, seed) => {
        const gy = fillWide(dt.alloc(length), seed);
        const y = fillWide(dt.alloc(length), seed ^ 0x5bd1e995);
        const want = dt.alloc(length);
        js[name](gy, y, want);
        const got = dt.alloc(length).fill(12345);
        grad()(gy, y, got);
        expectMatch(got, want, undefined, (i) => `at gy = ${gy[i]}, y = ${y[i]}`);
      });

      test.prop([lengthArb, fc.integer()])('works in place, over gy or over y', (length, seed) => {
        const gy = fillWide(dt.alloc(length), seed);
        const y = fillWide(dt.alloc(length), seed ^ 0x5bd1e995);
        const want = dt.alloc(length);
        js[name](gy, y, want);
        const [overGy, overY] = [gy.slice(), y.slice()];
        grad()(overGy, y, overGy);
        expectMatch(overGy, want);
        grad()(gy, overY, overY);
        expectMatch(overY, want);
      });
    });

    describe.each(['add', 'sub', 'mul'] as const)('%s (same shape)', (name) => {
      test.prop([lengthArb, fc.integer()])('matches JS exactly', (length, seed) => {
        const a = fillWide(dt.alloc(length), seed);
        const b = fillWide(dt.alloc(length), seed ^ 0x5bd1e995);
        const want = dt.alloc(length);
        js[name](a, [length], b, [length], want, [length]);
        const got = dt.alloc(length);
        fn<(a: FloatArray, b: FloatArray, o: FloatArray) => void>(native, name, dt)(a, b, got);
        expectMatch(got, want);
      });
    });

    describe.each(['add', 'sub', 'mul'] as const)('%s (a row repeated over leading axes, as a bias over a batch)', (name) => {
      // Rows of 64 or more elements and 256 or more in all take the single-call native row kernel; the rest, JS.
      const shapes = fc.record({
        lead: fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 2 }),
        tail: fc.oneof(
          fc.array(fc.integer({ min: 1, max: 80 }), { minLength: 1, maxLength: 2 }),
          fc.tuple(fc.integer({ min: 60, max: 300 })),
        ),
        ones: fc.integer({ min: 0, max: 2 }),
        rowFirst: fc.boolean(),
      });
      test.prop([shapes, fc.integer()])('matches JS exactly, on whichever side the row is', ({ lead, tail, ones, rowFirst }, seed) => {
        const outShape = [...lead, ...tail];
        const rowShape = [...Array<number>(Math.min(ones, lead.length)).fill(1), ...tail]; // never of higher rank than out
        const size = outShape.reduce((p, d) => p * d, 1);
        const full = fillWide(dt.alloc(size), seed);
        const row = fillWide(dt.alloc(size / lead.reduce((p, d) => p * d, 1)), seed ^ 0x5bd1e995);
        const [a, aShape, b, bShape] = rowFirst ? [row, rowShape, full, outShape] : [full, outShape, row, rowShape];
        const want = dt.alloc(size);
        js[name](a, aShape, b, bShape, want, outShape);
        const got = dt.alloc(size).fill(Number.NaN);
        withNative(js, native, dt.name)[name](a, aShape, b, bShape, got, outShape);
        expectMatch(got, want);
      });
    });

    const negLength = fc.oneof(fc.integer({ min: 0, max: 600 }), fc.integer({ min: SCRATCH_CAP - 9, max: 2 * SCRATCH_CAP + 9 }));
    test.prop([negLength, fc.integer()])('neg (a mul by −1 through withNative) matches JS exactly, with specials', (length, seed) => {
      const x = fillWide(dt.alloc(length), seed);
      const want = dt.alloc(length);
      js.neg(x, want);
      const got = dt.alloc(length).fill(12345);
      withNative(js, native, dt.name).neg(x, got);
      expectMatch(got, want);
    });

    describe.each(['add', 'sub', 'mul'] as const)('%s (a scalar on either side, through withNative)', (name) => {
      const t = nativeThresholds[name];
      const near = (at: number) => fc.integer({ min: Math.max(0, at - 9), max: at + 9 });
      const lengthArb = fc.oneof(near(t), near(SCRATCH_CAP), near(2 * SCRATCH_CAP), fc.integer({ min: 0, max: 40000 }));
      const scalarArb = fc.oneof(fc.constantFrom(...SPECIALS, 2, -1, 0.5), fc.double());
      const cases = fc.record({
        length: lengthArb,
        value: scalarArb,
        shape: fc.constantFrom<number[]>([], [1], [1, 1]),
        scalarFirst: fc.boolean(),
      });
      const k = () => withNative(js, native, dt.name); // not at collection: the suite may be skipped
      // The scratch buffer is shared and keeps its last value, so runs also check it is refilled when they differ.
      test.prop([cases, fc.integer()])('matches JS exactly', ({ length, value, shape, scalarFirst }, seed) => {
        const full = fillWide(dt.alloc(length), seed);
        const scalar = dt.alloc(1).fill(value);
        const outShape = shape.length > 1 ? [...shape.slice(1), length] : [length];
        const [a, aShape, b, bShape] = scalarFirst ? [scalar, shape, full, [length]] : [full, [length], scalar, shape];
        const want = dt.alloc(length);
        js[name](a, aShape, b, bShape, want, outShape);
        const got = dt.alloc(length).fill(12345);
        k()[name](a, aShape, b, bShape, got, outShape);
        expectMatch(got, want, undefined, (i) => `with scalar ${scalar[0]}, x = ${full[i]}`);
      });

      it('refills the shared scratch for a new value, including 0 after −0, and grows it in place', () => {
        const steps: [number, number][] = [
          [-0, t],
          [0, t],
          [0, SCRATCH_CAP + 3],
          [Number.NaN, t + 1],
          [2, 3 * SCRATCH_CAP],
          [2, t],
          [-0, SCRATCH_CAP],
        ];
        for (const [value, length] of steps) {
          const x = fillWide(dt.alloc(length), length).fill(-0, 0, 7); // −0 + −0 is −0, 0 + −0 is 0
          const want = dt.alloc(length);
          js[name](x, [length], dt.alloc(1).fill(value), [], want, [length]);
          const got = dt.alloc(length);
          k()[name](x, [length], dt.alloc(1).fill(value), [], got, [length]);
          // Object.is, not expectMatch, which counts −0 equal to 0 (NaN still equals NaN).
          const bad = want.findIndex((w, i) => !Object.is(got[i], w));
          expect(bad, `with scalar ${value}, length ${length}: element ${bad} is ${got[bad]}, want ${want[bad]}`).toBe(-1);
        }
      });
    });

    describe.each([
      ['matmul', 1],
      ['ownMatmul', 1],
      ['ownMatmul', 2],
    ] as const)('%s on %i thread(s)', (name, threads) => {
      test.prop([matmulLayoutArb(smallOr(threads === 2 ? 90 : 40)), fc.integer()])(
        'matches JS for any layout',
        ({ layout, lengthA, lengthB }, seed) => {
          native.setNumThreads(threads);
          try {
            checkMatmul(js, fn<NativeMatmul<FloatArray>>(native, name, dt), dt, layout, lengthA, lengthB, seed);
          } finally {
            native.setNumThreads(1);
          }
        },
      );
    });

    // The last two are large enough (≥ 2¹⁸ multiply-adds) for the own GEMM to split rows, or columns when m is small,
    // over 2 threads.
    it.each([1, 2])('matmul handles deep k, wide n and a two-thread split, on %i thread(s)', (threads) => {
      native.setNumThreads(threads);
      try {
        for (const name of ['matmul', 'ownMatmul']) {
          for (const [m, n, k] of [
            [3, 5, 700],
            [13, 1100, 9],
            [1, 1, 1000],
            [67, 71, 73],
            [3, 1000, 100],
          ] as const) {
            for (const transA of [false, true]) {
              const layout = { batch: 2, m, n, k, transA, transB: !transA, strideA: m * k, strideB: 0 };
              checkMatmul(js, fn<NativeMatmul<FloatArray>>(native, name, dt), dt, layout, 2 * m * k, k * n, m + n + k);
            }
          }
        }
      } finally {
        native.setNumThreads(1);
      }
    });
  });

  it('matmul rejects buffers too short for the layout instead of reading past them', () => {
    const a = new Float32Array(5);
    expect(() => native.matmulF32(a, new Float32Array(6), new Float32Array(4), 1, 2, 2, 3, false, false, 0, 0)).toThrow(RangeError);
    expect(() => native.expF64(new Float64Array(2), new Float64Array(3))).toThrow(RangeError);
    expect(() => native.expF64(new Float32Array(3) as unknown as Float64Array, new Float64Array(3))).toThrow(TypeError);
  });

  it('withNative sends large same-shape, scalar, row, row-copy and leading-sum calls to native and the rest to JS', () => {
    const calls: string[] = [];
    const spy = new Proxy(native, {
      get: (target, key: string) => {
        const value = target[key as keyof NativeAddon];
        return typeof value === 'function'
          ? (...args: unknown[]) => (calls.push(key), (value as (...a: unknown[]) => unknown)(...args))
          : value;
      },
    });
    const k = withNative(createJsKernels<Float64Array>(), spy, 'float64');
    const big = nativeThresholds.add;
    const rows = big / 64;
    const a = fillPlain(new Float64Array(big), 1);
    const one = new Float64Array([1]);
    const out = () => new Float64Array(big);
    k.add(a, [big], a, [big], out(), [big]); // same shape: native
    k.add(a, [big], one, [1], out(), [big]); // a scalar: native, spread over the scratch buffer
    k.sub(one, [], a, [big], out(), [big]); // 1 − x: native, operands in order
    k.mul(a.subarray(0, 3), [3], one, [1], new Float64Array(3), [3]); // a scalar, but small: JS
    const huge = fillPlain(new Float64Array(2 * SCRATCH_CAP + 1), 4);
    k.mul(one, [1, 1], huge, [huge.length], new Float64Array(huge.length), [1, huge.length]); // in 3 chunks
    k.add(a, [rows, 64], a.subarray(0, 64), [64], out(), [rows, 64]); // a row: native, one call for all rows
    k.sub(a, [rows, 64], a.subarray(0, 64), [64], out(), [rows, 64]); // x − row: native, one call
    k.mul(a.subarray(0, 64), [64], a, [rows, 64], out(), [rows, 64]); // row · x: native, swapped (commutative)
    k.sub(a.subarray(0, 64), [64], a, [rows, 64], out(), [rows, 64]); // row − x: JS (subRow computes x − row)
    k.add(a, [2 * rows, 32], a.subarray(0, 32), [32], out(), [2 * rows, 32]); // rows shorter than 64: JS
    k.add(a, [rows, 64], a.subarray(0, rows), [rows, 1], out(), [rows, 64]); // a column: JS
    k.add(a.subarray(0, 3), [3], a.subarray(0, 3), [3], new Float64Array(3), [3]);
    k.tanh(a, out());
    k.tanh(a.subarray(0, 2), new Float64Array(2));
    const g = nativeThresholds.sigmoidGrad;
    k.sigmoidGrad(a.subarray(0, g), a.subarray(0, g), new Float64Array(g));
    k.tanhGrad(a.subarray(0, 5), a.subarray(0, 5), new Float64Array(5));
    const l: MatmulLayout = { batch: 1, m: 64, n: 64, k: 64, transA: false, transB: true, strideA: 0, strideB: 0 };
    k.matmul(fillPlain(new Float64Array(4096), 2), fillPlain(new Float64Array(4096), 3), new Float64Array(4096), l);
    k.matmul(new Float64Array(4), new Float64Array(4), new Float64Array(4), { ...l, m: 2, n: 2, k: 2 });
    // copy: r rows of 64 out of [r, 256], as a gate out of [B, 4H].
    const r = Math.ceil(nativeThresholds.copy / 64);
    const wide = fillPlain(new Float64Array(2 * r * 256 + 8), 5);
    const gate = { offset: 64, strides: [256, 1] };
    const packed = { offset: 0, strides: [64, 1] };
    k.copy(wide, gate, out(), packed, [r, 64]); // equally spaced rows: native
    k.copy(wide, { offset: 3, strides: [0, 1] }, out(), packed, [r, 64]); // one row expanded (stride 0): native
    k.copy(wide, gate, out(), packed, [r - 1, 64]); // small: JS
    k.copy(wide, packed, out(), packed, [r, 64]); // one contiguous run: JS (a single set)
    k.copy(wide, gate, out(), { offset: 0, strides: [1, r] }, [r, 64]); // transposed into dst: JS
    k.copy(wide, { offset: 0, strides: [r * 256 + 8, 256, 1] }, new Float64Array(2 * r * 64), packed, [2, r, 64]); // 2 outer axes: JS
    // sum: leading prefixes (or all axes) at or above the threshold: native.
    const s = nativeThresholds.sum;
    const x = fillPlain(new Float64Array(s), 6);
    k.sum(x, [s / 64, 64], [0], new Float64Array(64));
    k.sum(x, [s / 64, 8, 8], [0, 1], new Float64Array(8));
    k.sum(x, [s / 64, 64], [0, 1], new Float64Array(1));
    k.sum(x, [s / 64, 64], [1], new Float64Array(s / 64)); // not a leading prefix: JS
    k.sum(x, [s / 64, 64], [], new Float64Array(s)); // no axes: JS
    k.sum(x.subarray(0, s - 1), [s - 1], [0], new Float64Array(1)); // small: JS
    expect(calls).toEqual([
      'addF64',
      'addF64',
      'subF64',
      ...Array<string>(3).fill('mulF64'),
      'addRowF64',
      'subRowF64',
      'mulRowF64',
      'tanhF64',
      'sigmoidGradF64',
      'matmulF64',
      'copyRowsF64',
      'copyRowsF64',
      ...Array<string>(3).fill('sumLeadingF64'),
    ]);
  });
});

/** Native against JS, within (k + 2)·eps·Σ|a||b| per element, with `out` pre-filled with NaN to catch unwritten cells. */
function checkMatmul(
  js: Kernels<FloatArray>,
  native: NativeMatmul<FloatArray>,
  dt: DTypeCase,
  l: MatmulLayout,
  lengthA: number,
  lengthB: number,
  seed: number,
): void {
  const a = fillPlain(dt.alloc(lengthA), seed);
  const b = fillPlain(dt.alloc(lengthB), seed + 1);
  const size = l.batch * l.m * l.n;
  const want = dt.alloc(size);
  js.matmul(a, b, want, l);
  const bound = dt.alloc(size);
  js.matmul(a.map(Math.abs), b.map(Math.abs), bound, l);
  const got = dt.alloc(size).fill(Number.NaN);
  native(a, b, got, l.batch, l.m, l.n, l.k, l.transA, l.transB, l.strideA, l.strideB);
  expectMatch(
    got,
    want,
    (i) => (l.k + 2) * dt.eps * bound[i]! + dt.tiny,
    () => JSON.stringify(l),
  );
}

/** Sizes up to `max`, with 0–3 (empty, 1×N, below the SIMD width) drawn as often as the rest. */
function smallOr(max: number) {
  return fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 1, max }));
}
