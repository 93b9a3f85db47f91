import { afterEach, describe, expect, it, vi } from 'vitest';
import { backendInfo, broadcastShapes, broadcastStrides, kernelsFor, sizeOf, stridesOf, type DType } from '../src/index.js';
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
  it('lists every kernel as JS and says why native is off', () => {
    const info = backendInfo();
    expect(info.native.available).toBe(false);
    expect(info.native.reason).toMatch(/native addon/);
    expect(Object.keys(info.kernels).sort()).toEqual(Object.keys(createJsKernels()).sort());
    for (const source of Object.values(info.kernels)) expect(source).toEqual({ impl: 'js' });
  });

  it('returns a fresh object each call', () => {
    const first = backendInfo();
    (first.kernels as Record<string, unknown>)['add'] = 'changed';
    expect(backendInfo().kernels.add).toEqual({ impl: 'js' });
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
