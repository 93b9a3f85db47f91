import { afterEach, describe, expect, it, vi } from 'vitest';
import { rand, randint, randn } from './creation.js';
import { ValueError } from './errors.js';
import { Generator, seed } from './random.js';
import type { Tensor } from './tensor.js';

// Reproducibility is checked by comparing streams with each other; statistics use fixed seeds and bounds several
// standard errors wide, so they cannot flake yet still catch a biased or broken generator.

const draws = (n: number, f: () => number) => Array.from({ length: n }, f);
const values = (t: Tensor) => Array.from(t.toTypedArray());

describe('Generator', () => {
  it('the same seed gives identical sequences of every kind', () => {
    const a = new Generator(42);
    const b = new Generator(42);
    expect(draws(100, () => a.nextUint32())).toEqual(draws(100, () => b.nextUint32()));
    expect(draws(100, () => a.uniform())).toEqual(draws(100, () => b.uniform()));
    expect(draws(101, () => a.normal())).toEqual(draws(101, () => b.normal()));
    expect(draws(100, () => a.int(-5, 5))).toEqual(draws(100, () => b.int(-5, 5)));
  });

  it('different seeds give different sequences', () => {
    const firstFour = (s: number) => {
      const g = new Generator(s);
      return draws(4, () => g.nextUint32()).join(',');
    };
    const seeds = Array.from({ length: 200 }, (_, i) => i);
    expect(new Set(seeds.map(firstFour)).size).toBe(seeds.length);
    expect(firstFour(12345)).not.toBe(firstFour(12346));
  });

  // Fails today: reset() folds the seed to 32 bits with lo ^ hi, so seed −k collides with seed k − 1 and
  // 2^32 + k with k ^ 1. The doc promises a sequence fixed by "any safe integer".
  it('distinct safe-integer seeds (negative, and ≥ 2^32) give distinct sequences', () => {
    const first = (s: number) => new Generator(s).nextUint32();
    expect(first(-1)).not.toBe(first(0));
    expect(first(-2)).not.toBe(first(1));
    expect(first(2 ** 32)).not.toBe(first(1));
    expect(first(2 ** 32 + 1)).not.toBe(first(0));
  });

  it('reset(seed) restarts exactly like a new generator, dropping a cached normal', () => {
    const g = new Generator(7);
    g.uniform();
    g.normal(); // leaves the second Box–Muller value cached
    g.reset(7);
    const fresh = new Generator(7);
    expect(draws(5, () => g.normal())).toEqual(draws(5, () => fresh.normal()));
    expect(draws(5, () => g.nextUint32())).toEqual(draws(5, () => fresh.nextUint32()));
  });

  it('nextUint32 returns 32-bit unsigned integers', () => {
    const g = new Generator(3);
    for (const v of draws(1000, () => g.nextUint32())) {
      expect(Number.isInteger(v)).toBe(true);
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThan(2 ** 32);
    }
  });

  it('uniform is a multiple of 2^-53 in [0, 1)', () => {
    const g = new Generator(11);
    for (const u of draws(1000, () => g.uniform())) {
      expect(u).toBeGreaterThanOrEqual(0);
      expect(u).toBeLessThan(1);
      expect(Number.isInteger(u * 2 ** 53)).toBe(true);
    }
  });

  it('normal returns the two Box–Muller values of a pair in turn', () => {
    // With the same uniforms (u, v), the pair is r·cos(2πv), r·sin(2πv), r = √(−2 ln(1 − u)).
    const g = new Generator(5);
    const twin = new Generator(5);
    const u = 1 - twin.uniform();
    const v = twin.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    expect(g.normal()).toBeCloseTo(r * Math.cos(2 * Math.PI * v), 12);
    expect(g.normal()).toBeCloseTo(r * Math.sin(2 * Math.PI * v), 12);
    // The pair used exactly two uniforms: the streams are in step again.
    expect(g.uniform()).toBe(twin.uniform());
  });
});

describe('getState / setState', () => {
  it('resumes exactly, including the cached Box–Muller spare', () => {
    const g = new Generator(2024);
    draws(3, () => g.uniform());
    g.normal(); // caches the spare
    const state = g.getState();
    expect(Number.isNaN(state[4]!)).toBe(false); // the spare is part of the state
    const expected = [g.normal(), g.uniform(), g.normal(), g.normal(), g.nextUint32(), g.int(0, 100)];

    const other = new Generator(1); // a different stream, overwritten entirely
    other.normal();
    other.setState(state);
    expect([other.normal(), other.uniform(), other.normal(), other.normal(), other.nextUint32(), other.int(0, 100)]).toEqual(expected);
  });

  it('resumes exactly with no spare cached, even if the target generator had one', () => {
    const g = new Generator(9);
    g.uniform();
    const state = g.getState();
    expect(Number.isNaN(state[4]!)).toBe(true);
    const expected = draws(6, () => g.normal());
    const other = new Generator(10);
    other.normal(); // other now holds a spare that must be dropped
    other.setState(state);
    expect(draws(6, () => other.normal())).toEqual(expected);
  });

  it('gives the four state words as unsigned 32-bit integers', () => {
    const g = new Generator(9);
    for (let i = 0; i < 20; i++) {
      g.uniform();
      for (const w of g.getState().slice(0, 4)) expect(Number.isInteger(w) && w >= 0 && w < 2 ** 32).toBe(true);
    }
  });

  it('survives a JSON round trip (a checkpoint)', () => {
    for (const cached of [false, true]) {
      const g = new Generator(77);
      if (cached) g.normal();
      const saved = JSON.parse(JSON.stringify(g.getState())) as number[];
      const expected = draws(5, () => g.normal());
      const restored = new Generator(0);
      restored.setState(saved);
      expect(draws(5, () => restored.normal())).toEqual(expected);
    }
  });

  it('getState returns a snapshot, not a live view', () => {
    const g = new Generator(1);
    const state = g.getState();
    const copy = [...state];
    g.uniform();
    expect(state).toEqual(copy);
    state[0] = 0;
    const twin = new Generator(1);
    twin.uniform();
    expect(g.uniform()).toBe(twin.uniform());
  });
});

describe('seed() and the global generator', () => {
  it('makes rand, randn and randint reproducible', () => {
    const run = () => [values(rand([5])), values(randn([5])), values(randint(0, 10, [5])), values(rand([2, 2], { dtype: 'float64' }))];
    seed(7);
    const first = run();
    seed(7);
    expect(run()).toEqual(first);
    seed(8);
    expect(run()).not.toEqual(first);
  });

  it('the global stream after seed(n) is the stream of new Generator(n)', () => {
    seed(3);
    const global = values(rand([4], { dtype: 'float64' }));
    const g = new Generator(3);
    expect(global).toEqual(draws(4, () => g.uniform()));
  });

  it('an explicit generator neither reads nor advances the global one', () => {
    seed(1);
    const reference = values(rand([3]));
    seed(1);
    rand([10], { generator: new Generator(99) });
    randn([10], { generator: new Generator(99) });
    randint(0, 5, [10], { generator: new Generator(99) });
    expect(values(rand([3]))).toEqual(reference);
  });

  it('an explicit generator gives the same values however the global one is used in between', () => {
    const a = new Generator(5);
    const b = new Generator(5);
    const quiet = [values(randn([3], { generator: a })), values(randn([3], { generator: a }))];
    seed(123);
    const first = values(randn([3], { generator: b }));
    rand([7]);
    randn([1]);
    const second = values(randn([3], { generator: b }));
    expect([first, second]).toEqual(quiet);
  });

  it('rand/randn/randint take dtype and shape', () => {
    const g = new Generator(0);
    expect(rand([2, 3], { generator: g }).shape).toEqual([2, 3]);
    expect(rand([2], { generator: g }).dtype).toBe('float32');
    expect(randn([4], { generator: g, dtype: 'float64' }).dtype).toBe('float64');
    expect(randint(0, 3, [], { generator: g }).shape).toEqual([]);
    expect(rand([0], { generator: g }).size).toBe(0);
  });

  it("float64 rand stores the generator's uniforms exactly; float32 rounds them", () => {
    const g = new Generator(8);
    const ref = new Generator(8);
    expect(values(rand([5], { generator: g, dtype: 'float64' }))).toEqual(draws(5, () => ref.uniform()));
    expect(values(rand([5], { generator: g }))).toEqual(draws(5, () => Math.fround(ref.uniform())));
  });
});

describe('statistics (fixed seeds, loose bounds)', () => {
  const N = 100_000;

  it('uniform: in [0, 1), mean ≈ 1/2, variance ≈ 1/12, deciles even', () => {
    const u = values(rand([N], { generator: new Generator(12345), dtype: 'float64' }));
    expect(u.every((v) => v >= 0 && v < 1)).toBe(true);
    const mean = u.reduce((s, v) => s + v, 0) / N;
    const variance = u.reduce((s, v) => s + (v - mean) ** 2, 0) / N;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.005); // standard error ≈ 0.0009
    expect(Math.abs(variance - 1 / 12)).toBeLessThan(0.002);
    const bins = new Array<number>(10).fill(0);
    for (const v of u) bins[Math.floor(v * 10)]!++;
    for (const count of bins) expect(Math.abs(count - N / 10)).toBeLessThan(600); // ≈ 6 standard deviations
  });

  it('normal: mean ≈ 0, std ≈ 1, about 68.3% within one std, symmetric', () => {
    const z = values(randn([N], { generator: new Generator(999), dtype: 'float64' }));
    expect(z.every(Number.isFinite)).toBe(true);
    const mean = z.reduce((s, v) => s + v, 0) / N;
    const std = Math.sqrt(z.reduce((s, v) => s + (v - mean) ** 2, 0) / N);
    expect(Math.abs(mean)).toBeLessThan(0.02); // standard error ≈ 0.003
    expect(Math.abs(std - 1)).toBeLessThan(0.02);
    const within = z.filter((v) => Math.abs(v) < 1).length / N;
    expect(Math.abs(within - 0.6827)).toBeLessThan(0.01);
    const positive = z.filter((v) => v > 0).length / N;
    expect(Math.abs(positive - 0.5)).toBeLessThan(0.01);
  });

  it('randint: whole numbers covering [low, high), never high, roughly equally often', () => {
    const [low, high] = [-2, 3];
    const r = values(randint(low, high, [10_000], { generator: new Generator(4) }));
    const counts = new Map<number, number>();
    for (const v of r) {
      expect(Number.isInteger(v)).toBe(true);
      expect(v).toBeGreaterThanOrEqual(low);
      expect(v).toBeLessThan(high);
      counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    expect([...counts.keys()].sort((a, b) => a - b)).toEqual([-2, -1, 0, 1, 2]);
    for (const count of counts.values()) expect(Math.abs(count - 2000)).toBeLessThan(250);
  });

  it('randint with a range of one always gives low', () => {
    expect(values(randint(7, 8, [20], { generator: new Generator(1) }))).toEqual(new Array(20).fill(7));
  });
});

describe('float32 rounding keeps the documented ranges', () => {
  // Fails today: the generator's first uniform for this seed is ≥ 1 − 2⁻²⁵, which float32 rounds up to exactly 1,
  // so rand() (float32 by default) returns a value outside [0, 1). About 1 draw in 3·10⁷ does this.
  it('float32 rand never returns 1', () => {
    const s = 30770746; // found by search: its first uniform() rounds to 1 in float32
    expect(Math.fround(new Generator(s).uniform())).toBe(1); // the premise, checked with plain Math.fround
    expect(rand([1], { generator: new Generator(s) }).item()).toBeLessThan(1);
  });

  // Fails today: above 2^24 a float32 cannot hold every integer, so high − 1 rounds up to high.
  it('float32 randint never returns high (or rejects ranges float32 cannot represent)', () => {
    const [low, high] = [2 ** 25 - 2, 2 ** 25];
    let r: Tensor;
    try {
      r = randint(low, high, [64], { generator: new Generator(0) });
    } catch (e) {
      expect(e).toBeInstanceOf(ValueError);
      return;
    }
    expect(values(r).reduce((m, v) => Math.max(m, v), -Infinity)).toBeLessThan(high);
  });
});

describe('Math.random is never used', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('by rand, randn, randint, seed or Generator methods', () => {
    const spy = vi.spyOn(Math, 'random');
    seed(5);
    rand([100]);
    randn([101]);
    randint(0, 10, [100]);
    const g = new Generator(6);
    g.nextUint32();
    g.uniform();
    g.normal();
    g.normal();
    g.int(0, 3);
    g.setState(g.getState());
    g.reset(2);
    rand([10], { generator: g });
    randn([10], { generator: g, dtype: 'float64' });
    expect(spy).not.toHaveBeenCalled();
  });
});
