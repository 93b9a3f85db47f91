import { describe, expect, it } from 'vitest';
import { Generator, ValueError, rand, randn, seed, type DType, type Tensor } from '@loom/core';
import { fans, glorotNormal, glorotUniform, heNormal, heUniform, normal, ones, orthogonal, rnnUniform, uniform, zeros } from './init.js';
import type { InitOptions } from './init.js';
import type { Parameter } from './parameter.js';

// Statistics use large shapes and bounds many standard errors wide, at fixed seeds, so they cannot flake but still
// catch a wrong scale (a factor √2 or √3 is far outside them).

const bytes = (t: Tensor) => Array.from(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
const f64 = { dtype: 'float64' } as const;

function moments(t: Tensor): { mean: number; variance: number; min: number; max: number } {
  const xs = Array.from(t.data);
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length;
  return { mean, variance, min: Math.min(...xs), max: Math.max(...xs) };
}

type Init = (options: InitOptions) => Parameter;
const random: [string, Init][] = [
  ['uniform', (o) => uniform([7, 5], -0.3, 0.8, o)],
  ['normal', (o) => normal([7, 5], 0.5, 2, o)],
  ['glorotUniform', (o) => glorotUniform([7, 5], o)],
  ['glorotNormal', (o) => glorotNormal([7, 5], o)],
  ['heUniform', (o) => heUniform([7, 5], o)],
  ['heNormal', (o) => heNormal([7, 5], o)],
  ['orthogonal', (o) => orthogonal([7, 5], o)],
  ['rnnUniform', (o) => rnnUniform([7, 5], 4, o)],
];
const constant: [string, Init][] = [
  ['zeros', (o) => zeros([7, 5], o)],
  ['ones', (o) => ones([7, 5], o)],
];

describe.each(random)('%s', (_, init) => {
  it.each<DType>(['float32', 'float64'])('the same explicit Generator seed gives bit-identical weights (%s)', (dtype) => {
    const a = init({ dtype, generator: new Generator(1234) });
    const b = init({ dtype, generator: new Generator(1234) });
    expect(bytes(a)).toEqual(bytes(b));
    expect(bytes(init({ dtype, generator: new Generator(1235) }))).not.toEqual(bytes(a));
  });

  it('the same global seed gives bit-identical weights, equal to those of an explicit Generator with that seed', () => {
    seed(99);
    const a = init({});
    const a2 = init({}); // the stream moves on
    seed(99);
    const b = init({});
    expect(bytes(a)).toEqual(bytes(b));
    expect(bytes(a2)).not.toEqual(bytes(a));
    expect(bytes(init({ generator: new Generator(99) }))).toEqual(bytes(a));
  });

  it('respects dtype (float32 by default) and shape, and makes a trainable Parameter', () => {
    const g = () => new Generator(5);
    const d = init({ generator: g() });
    expect(d.dtype).toBe('float32');
    expect(d.data).toBeInstanceOf(Float32Array);
    const w = init({ dtype: 'float64', generator: g() });
    expect(w.dtype).toBe('float64');
    expect(w.data).toBeInstanceOf(Float64Array);
    expect(w.shape).toEqual([7, 5]);
    expect(w.requiresGrad).toBe(true);
    // float32 weights are the float64 ones rounded, except orthogonal, which builds in float64 and rounds once
    expect(Array.from(d.data)).toEqual(Array.from(w.data, (v) => expect.closeTo(v, 6)));
  });

  it('does not touch an explicit generator other than the one it is given, nor the global one', () => {
    seed(3);
    const expected = rand([4], f64).data;
    seed(3);
    init({ generator: new Generator(8) });
    expect(Array.from(rand([4], f64).data)).toEqual(Array.from(expected));
  });
});

describe.each(constant)('%s', (name, init) => {
  const value = name === 'zeros' ? 0 : 1;

  it('fills with the constant, respecting dtype', () => {
    expect(Array.from(init({}).data)).toEqual(Array(35).fill(value));
    expect(init({}).dtype).toBe('float32');
    expect(init(f64).data).toBeInstanceOf(Float64Array);
    expect(init({}).requiresGrad).toBe(true);
  });

  it('does not consume random numbers from the global generator', () => {
    seed(17);
    const expected = Array.from(randn([5], f64).data);
    seed(17);
    init({});
    expect(Array.from(randn([5], f64).data)).toEqual(expected);
  });

  it('does not consume random numbers from an explicit generator', () => {
    const g = new Generator(17);
    init({ generator: g });
    expect(g.uniform()).toBe(new Generator(17).uniform());
  });
});

describe('fans', () => {
  it('follows PyTorch: [out, in] → fanIn = in, fanOut = out', () => {
    expect(fans([8, 3])).toEqual({ fanIn: 3, fanOut: 8 });
    expect(fans([1, 1])).toEqual({ fanIn: 1, fanOut: 1 });
  });

  it('multiplies by the receptive field for conv-like shapes [out, in, k...]', () => {
    expect(fans([16, 8, 3, 3])).toEqual({ fanIn: 8 * 9, fanOut: 16 * 9 });
    expect(fans([4, 3, 5])).toEqual({ fanIn: 15, fanOut: 20 });
  });

  it('throws ValueError below rank 2, and so do the initializers that need fans', () => {
    expect(() => fans([5])).toThrow(ValueError);
    expect(() => fans([])).toThrow(ValueError);
    expect(() => glorotUniform([5])).toThrow(ValueError);
    expect(() => heNormal([5])).toThrow(ValueError);
  });
});

describe('distributions', () => {
  const big = [300, 200] as const; // fanIn 200, fanOut 300, 60 000 draws
  const gen = (s: number) => ({ ...f64, generator: new Generator(s) });

  /** Uniform on [−a, a): everything inside, variance a²/3, mean 0. */
  function expectUniform(t: Tensor, low: number, high: number): void {
    const m = moments(t);
    expect(m.min).toBeGreaterThanOrEqual(low);
    expect(m.max).toBeLessThan(high);
    const width = high - low;
    expect(m.min).toBeLessThan(low + 0.01 * width); // the whole range is used
    expect(m.max).toBeGreaterThan(high - 0.01 * width);
    expect(Math.abs(m.mean - (low + high) / 2)).toBeLessThan(0.02 * width);
    expect(m.variance / (width ** 2 / 12)).toBeGreaterThan(0.95);
    expect(m.variance / (width ** 2 / 12)).toBeLessThan(1.05);
  }

  function expectNormal(t: Tensor, mean: number, std: number): void {
    const m = moments(t);
    expect(Math.abs(m.mean - mean)).toBeLessThan(0.03 * std);
    expect(Math.sqrt(m.variance) / std).toBeGreaterThan(0.97);
    expect(Math.sqrt(m.variance) / std).toBeLessThan(1.03);
  }

  it('uniform: in [low, high) with the uniform mean and variance', () => {
    expectUniform(uniform([...big], -0.3, 0.5, gen(1)), -0.3, 0.5);
  });

  it('normal: the given mean and standard deviation', () => {
    expectNormal(normal([...big], 0.7, 0.2, gen(2)), 0.7, 0.2);
  });

  it('glorotUniform: U(−a, a) with a = √(6 / (fanIn + fanOut)), variance a²/3', () => {
    const a = Math.sqrt(6 / (200 + 300));
    expectUniform(glorotUniform([...big], gen(3)), -a, a);
  });

  it('glorotUniform: gain multiplies the bound (exactly, for a power of two)', () => {
    const a = glorotUniform([...big], gen(4));
    const b = glorotUniform([...big], { ...gen(4), gain: 2 });
    expect(Array.from(b.data)).toEqual(Array.from(a.data, (v) => 2 * v));
    const bound = 0.5 * Math.sqrt(6 / 500);
    expectUniform(glorotUniform([...big], { ...gen(4), gain: 0.5 }), -bound, bound);
  });

  it('glorotUniform: conv-like shapes use the receptive field', () => {
    const a = Math.sqrt(6 / (32 * 9 + 64 * 9));
    expectUniform(glorotUniform([64, 32, 3, 3], gen(5)), -a, a);
  });

  it('glorotUniform in float32 stays within the bound (up to float32 rounding of the bound)', () => {
    const a = Math.sqrt(6 / 500);
    const m = moments(glorotUniform([...big], { generator: new Generator(6) }));
    expect(m.max).toBeLessThanOrEqual(Math.fround(a));
    expect(m.min).toBeGreaterThanOrEqual(-Math.fround(a));
  });

  it('glorotNormal: N(0, 2 / (fanIn + fanOut)), and gain scales the std', () => {
    expectNormal(glorotNormal([...big], gen(7)), 0, Math.sqrt(2 / 500));
    expectNormal(glorotNormal([...big], { ...gen(7), gain: 3 }), 0, 3 * Math.sqrt(2 / 500));
  });

  it('heUniform: U(−a, a) with a = √(6 / fanIn), variance 2 / fanIn', () => {
    const a = Math.sqrt(6 / 200);
    expectUniform(heUniform([...big], gen(8)), -a, a);
    expect(moments(heUniform([...big], gen(8))).variance).toBeCloseTo(2 / 200, 3);
  });

  it('heNormal: N(0, 2 / fanIn)', () => {
    expectNormal(heNormal([...big], gen(9)), 0, Math.sqrt(2 / 200));
    expectNormal(heNormal([32, 16, 5], gen(9)), 0, Math.sqrt(2 / (16 * 5)));
  });

  it('rnnUniform: U(−1/√H, 1/√H) for the given hidden size, whatever the shape', () => {
    const a = 1 / Math.sqrt(50);
    expectUniform(rnnUniform([...big], 50, gen(10)), -a, a);
    expectUniform(rnnUniform([60000], 50, gen(10)), -a, a);
  });
});

describe('orthogonal', () => {
  /** Gram matrix of the rows (rows ≤ cols) or of the columns (rows > cols), in plain JS. */
  function gram(w: Tensor): number[][] {
    const [rows, cols] = w.shape as [number, number];
    const at = (r: number, c: number) => w.data[r * cols + c]!;
    const n = Math.min(rows, cols);
    return Array.from({ length: n }, (_, i) =>
      Array.from({ length: n }, (_, j) => {
        let s = 0;
        if (rows <= cols) for (let k = 0; k < cols; k++) s += at(i, k) * at(j, k);
        else for (let k = 0; k < rows; k++) s += at(k, i) * at(k, j);
        return s;
      }),
    );
  }
  const maxDiffFromScaledIdentity = (g: number[][], scale: number) =>
    Math.max(...g.flatMap((row, i) => row.map((v, j) => Math.abs(v - (i === j ? scale : 0)))));

  it.each([
    [5, 8],
    [8, 5],
    [1, 6],
    [6, 1],
    [16, 16],
    [64, 64],
    [40, 100],
    [100, 40],
  ])('[%i, %i]: W·Wᵀ = I (rows ≤ cols) or Wᵀ·W = I (rows > cols) to 1e-10 in float64', (rows, cols) => {
    const w = orthogonal([rows, cols], { ...f64, generator: new Generator(rows * 1000 + cols) });
    expect(w.shape).toEqual([rows, cols]);
    expect(maxDiffFromScaledIdentity(gram(w), 1)).toBeLessThan(1e-10);
  });

  it('a square result is orthogonal both ways', () => {
    const w = orthogonal([12, 12], { ...f64, generator: new Generator(1) });
    const t = Array.from({ length: 144 }, (_, e) => w.data[(e % 12) * 12 + Math.floor(e / 12)]!);
    const wt = { shape: [12, 12], data: Float64Array.from(t) } as unknown as Tensor;
    expect(maxDiffFromScaledIdentity(gram(w), 1)).toBeLessThan(1e-10);
    expect(maxDiffFromScaledIdentity(gram(wt), 1)).toBeLessThan(1e-10);
  });

  it('gain scales the matrix: the Gram matrix is gain²·I', () => {
    const g = () => ({ ...f64, generator: new Generator(21) });
    const base = orthogonal([6, 9], g());
    const twice = orthogonal([6, 9], { ...g(), gain: 2 });
    expect(Array.from(twice.data)).toEqual(Array.from(base.data, (v) => 2 * v));
    const w = orthogonal([9, 6], { ...g(), gain: 0.3 });
    expect(maxDiffFromScaledIdentity(gram(w), 0.09)).toBeLessThan(1e-10);
  });

  it('float32 by default, orthogonal to float32 precision', () => {
    const w = orthogonal([20, 30], { generator: new Generator(4) });
    expect(w.dtype).toBe('float32');
    expect(maxDiffFromScaledIdentity(gram(w), 1)).toBeLessThan(1e-5);
  });

  it('is the Q factor (positive diagonal R) of a Gaussian draw, as a Householder QR in plain JS computes it', () => {
    // rows < cols: the rows of W are the orthonormalized rows of a Gaussian [rows, cols] draw G, i.e. W = Qᵀ with
    // Gᵀ = Q R. rows ≥ cols: the draw is [cols, rows] and W = Q itself.
    for (const [rows, cols] of [
      [3, 5],
      [5, 3],
      [4, 4],
    ] as const) {
      const wide = rows < cols; // a square W takes the orthonormalized rows of the draw as its columns
      const [n, m] = wide ? [rows, cols] : [cols, rows];
      const g = randn([n, m], { ...f64, generator: new Generator(77) }).data;
      const q = householderQ(m, n, (i, j) => g[j * m + i]!); // A = Gᵀ, [m, n]
      const w = orthogonal([rows, cols], { ...f64, generator: new Generator(77) });
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < cols; c++) {
          const expected = wide ? q[c]![r]! : q[r]![c]!;
          expect(w.data[r * cols + c]).toBeCloseTo(expected, 10);
        }
      }
    }
  });

  it('throws ValueError for shapes that are not 2-D', () => {
    expect(() => orthogonal([4])).toThrow(ValueError);
    expect(() => orthogonal([2, 3, 4])).toThrow(ValueError);
  });
});

/** The thin Q ([m, n]) of a QR decomposition of the m×n matrix A (m ≥ n), signs fixed so diag(R) > 0. */
function householderQ(m: number, n: number, a: (i: number, j: number) => number): number[][] {
  const r = Array.from({ length: m }, (_, i) => Array.from({ length: n }, (_, j) => a(i, j)));
  const vs: number[][] = [];
  for (let k = 0; k < n; k++) {
    const x = r.slice(k).map((row) => row[k]!);
    const alpha = -Math.sign(x[0]! || 1) * Math.hypot(...x);
    const v = x.slice();
    v[0]! -= alpha;
    const vn = Math.hypot(...v);
    const u = v.map((e) => e / vn);
    vs.push(u);
    for (let j = 0; j < n; j++) {
      let dot = 0;
      for (let i = k; i < m; i++) dot += u[i - k]! * r[i]![j]!;
      for (let i = k; i < m; i++) r[i]![j]! -= 2 * u[i - k]! * dot;
    }
  }
  // Q = H_0 H_1 … H_{n−1} applied to the first n columns of the identity.
  const q: number[][] = Array.from({ length: m }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
  for (let k = n - 1; k >= 0; k--) {
    const u = vs[k]!;
    for (let j = 0; j < n; j++) {
      let dot = 0;
      for (let i = k; i < m; i++) dot += u[i - k]! * q[i]![j]!;
      for (let i = k; i < m; i++) q[i]![j]! -= 2 * u[i - k]! * dot;
    }
  }
  for (let j = 0; j < n; j++) {
    if (r[j]![j]! < 0) for (let i = 0; i < m; i++) q[i]![j] = -q[i]![j]!;
  }
  return q;
}
