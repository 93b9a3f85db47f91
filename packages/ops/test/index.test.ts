import { afterEach, describe, expect, it, vi } from 'vitest';
import { backendInfo, broadcastShapes, broadcastStrides, kernelsFor, setNumThreads, sizeOf, stridesOf, type DType } from '../src/index.js';
import { loadNative, nativeKernelNames } from '../src/native.js';
import { createJsKernels } from '../src/js/index.js';

describe('kernelsFor', () => {
  afterEach(() => {
    vi.doUnmock('../src/js/index.js');
    vi.resetModules();
  });

  it('builds nothing at import time, and each dtype once', async () => {
    vi.resetModules();
    const factory = vi.fn();
    vi.doMock('../src/js/index.js', async (importOriginal) => {
      const original = await importOriginal<typeof import('../src/js/index.js')>();
      factory.mockImplementation(original.createJsKernels);
      return { createJsKernels: factory };
    });
    const fresh = await import('../src/index.js');
    expect(factory).not.toHaveBeenCalled();
    const f32 = fresh.kernelsFor('float32');
    expect(fresh.kernelsFor('float32')).toBe(f32);
    expect(factory).toHaveBeenCalledTimes(1);
    const f64 = fresh.kernelsFor('float64');
    expect(f64).not.toBe(f32);
    expect(fresh.kernelsFor('float64')).toBe(f64);
    expect(factory).toHaveBeenCalledTimes(2);
  });

  it('serves working kernels for each dtype', () => {
    const f32 = kernelsFor('float32');
    const out32 = new Float32Array(3);
    f32.add(new Float32Array([1, 2, 3]), [3], new Float32Array([0.1]), [1], out32, [3]);
    expect(Array.from(out32)).toEqual([1.1, 2.1, 3.1].map(Math.fround));

    const f64 = kernelsFor('float64');
    const out64 = new Float64Array(3);
    f64.add(new Float64Array([1, 2, 3]), [3], new Float64Array([0.1]), [1], out64, [3]);
    expect(Array.from(out64)).toEqual([1 + 0.1, 2 + 0.1, 3 + 0.1]);
  });

  it('accepts a dtype known only at run time, and rejects unknown ones', () => {
    const dtype: DType = Math.sign(1) > 0 ? 'float64' : 'float32';
    expect(kernelsFor(dtype)).toBe(kernelsFor('float64'));
    expect(() => kernelsFor('int32' as DType)).toThrow(/kernelsFor: unknown dtype 'int32'/);
  });
});

describe('backendInfo', () => {
  const { addon, reason } = loadNative();

  it('names, for every kernel, the implementation that serves it and why', () => {
    const info = backendInfo();
    expect(Object.keys(info.kernels).sort()).toEqual(Object.keys(createJsKernels()).sort());
    expect(info.native.available).toBe(addon !== undefined);
    expect(info.native.reason).toBe(reason);
    for (const [name, source] of Object.entries(info.kernels)) {
      const native = addon !== undefined && (nativeKernelNames as readonly string[]).includes(name);
      expect(source.impl).toBe(native ? 'native' : 'js');
      expect(source.reason).toMatch(native ? /native from \d+/ : addon ? /no native version/ : /native addon|LOOM_NO_NATIVE/);
    }
  });

  it.runIf(addon)('describes the loaded addon', () => {
    const { native } = backendInfo();
    expect(['openblas', 'own']).toContain(native.blas);
    expect(['avx512', 'avx2', 'sse2']).toContain(native.simd);
    expect(native.threads).toBe(1);
    expect(native.memory).toMatch(process.env['LOOM_KEEP_FREED_MEMORY'] === '0' ? /defaults/ : /reusing freed ones|not glibc/);
  });

  it.runIf(!addon)('says why the addon is not in use', () => {
    expect(backendInfo().native).toEqual({ available: false, reason: expect.stringMatching(/native addon|LOOM_NO_NATIVE/) });
    expect(setNumThreads(2)).toBe(1);
  });

  it('returns a fresh object each call', () => {
    const first = backendInfo();
    const before = { ...first.kernels.add };
    (first.kernels as Record<string, unknown>)['add'] = 'changed';
    expect(backendInfo().kernels.add).toEqual(before);
  });
});

describe('shape helpers are exported', () => {
  it('from the package entry point', () => {
    expect(sizeOf([2, 3])).toBe(6);
    expect(stridesOf([2, 3])).toEqual([3, 1]);
    expect(broadcastShapes([2, 1], [3])).toEqual([2, 3]);
    expect(broadcastStrides([3], [2, 3])).toEqual([0, 1]);
  });
});
