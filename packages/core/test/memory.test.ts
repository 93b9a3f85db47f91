// Repeated `grad` calls must not keep tapes alive: after a warm-up, 10,000 more iterations leave memory flat.
//
// To measure retained memory rather than garbage not yet collected, we need a full GC. Vitest starts workers
// without --expose-gc, and giving one file its own execArgv would need a separate project in vitest.config.ts,
// so we enable it at run time instead: V8 accepts `--expose-gc` through `v8.setFlagsFromString`, and a new vm
// context created afterwards gets a `gc` global (a documented Node idiom). If neither works, the test falls back
// to a generous bound (see below).
import { grad, matmul, mean, randn, square, sub, tanh, valueAndGrad, Generator, type Tensor } from '@loom/core';
import v8 from 'node:v8';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';

function findGc(): (() => void) | null {
  const g = (globalThis as { gc?: () => void }).gc;
  if (typeof g === 'function') return g;
  try {
    v8.setFlagsFromString('--expose-gc');
    const fromContext = vm.runInNewContext('gc') as unknown;
    return typeof fromContext === 'function' ? (fromContext as () => void) : null;
  } catch {
    return null;
  }
}

const MB = 1024 * 1024;

describe('memory', () => {
  it('10,000 iterations of grad on a 2-layer tanh MLP keep memory flat', () => {
    const gc = findGc();
    const collect = () => {
      if (gc === null) return;
      for (let i = 0; i < 3; i++) gc();
    };
    const g = new Generator(1);
    const x = randn([4, 8], { dtype: 'float64', generator: g });
    const target = randn([4, 2], { dtype: 'float64', generator: g });
    const w1 = randn([8, 16], { dtype: 'float64', generator: g });
    const w2 = randn([16, 2], { dtype: 'float64', generator: g });
    const loss = (a: Tensor, b: Tensor) => mean(square(sub(matmul(tanh(matmul(tanh(x), a)), b), target)));
    const step = grad(loss, [0, 1]);
    // Keep something from each iteration alive until the next, as a training loop would (e.g. the last gradient).
    let last: Tensor[] = [];
    const run = (n: number) => {
      for (let i = 0; i < n; i++) last = step(w1, w2);
    };

    run(1_000); // warm-up: JIT, kernel objects, lazily built tables
    collect();
    const before = process.memoryUsage();
    run(10_000);
    collect();
    const after = process.memoryUsage();
    expect(last[0]!.shape).toEqual([8, 16]);

    const heapGrowth = (after.heapUsed - before.heapUsed) / MB;
    const rssGrowth = (after.rss - before.rss) / MB;
    // Calibration (measured with a deliberate leak): keeping one iteration's taped loss alive retains ~4.4 KB, i.e.
    // ~44 MB heap / ~78 MB RSS over 10,000 iterations; keeping even one small untaped tensor per iteration retains
    // ~3 MB. With a forced GC the healthy growth is ~0.1 MB heap and < 1 MB RSS, so retained heap must stay under
    // 2 MB and RSS (which moves with V8's page management) under 20 MB. Without gc, uncollected garbage counts too,
    // so only a generous 40 MB heap / 50 MB RSS bound applies; a leaked tape per iteration still exceeds the RSS one.
    const [heapLimit, rssLimit] = gc === null ? [40, 50] : [2, 20];
    expect(heapGrowth, `heapUsed grew by ${heapGrowth.toFixed(2)} MB (gc ${gc === null ? 'unavailable' : 'forced'})`).toBeLessThan(
      heapLimit,
    );
    expect(rssGrowth, `rss grew by ${rssGrowth.toFixed(2)} MB (gc ${gc === null ? 'unavailable' : 'forced'})`).toBeLessThan(rssLimit);
  });

  it('10,000 Tensor.backward steps with .grad cleared each time keep memory flat', () => {
    const gc = findGc();
    const collect = () => {
      if (gc === null) return;
      for (let i = 0; i < 3; i++) gc();
    };
    const g = new Generator(2);
    const x = randn([4, 8], { dtype: 'float64', generator: g });
    const w = randn([8, 4], { dtype: 'float64', generator: g });
    w.requiresGrad = true;
    const run = (n: number) => {
      for (let i = 0; i < n; i++) {
        w.grad = null;
        mean(square(tanh(matmul(x, w)))).backward();
      }
    };
    run(1_000);
    collect();
    const before = process.memoryUsage();
    run(10_000);
    collect();
    const after = process.memoryUsage();
    expect(w.grad!.shape).toEqual([8, 4]);
    const heapGrowth = (after.heapUsed - before.heapUsed) / MB;
    const [heapLimit] = gc === null ? [40] : [2];
    expect(heapGrowth, `heapUsed grew by ${heapGrowth.toFixed(2)} MB`).toBeLessThan(heapLimit);
  });

  it('keeping every loss from valueAndGrad (a loss history) does not keep the tapes alive', () => {
    // A detached scalar costs ~0.3 KB; a loss that still holds its step's tape costs ~4.4 KB (measured), so
    // 2,000 kept losses are ~0.6 MB when detached and ~9 MB when they pin their tapes.
    const gc = findGc();
    const collect = () => {
      if (gc === null) return;
      for (let i = 0; i < 3; i++) gc();
    };
    const g = new Generator(3);
    const x = randn([4, 8], { dtype: 'float64', generator: g });
    const w1 = randn([8, 16], { dtype: 'float64', generator: g });
    const w2 = randn([16, 2], { dtype: 'float64', generator: g });
    const step = valueAndGrad((a: Tensor, b: Tensor) => mean(square(matmul(tanh(matmul(x, a)), b))), [0, 1]);
    const losses: Tensor[] = [];
    for (let i = 0; i < 200; i++) losses.push(step(w1, w2)[0]);
    collect();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 2_000; i++) losses.push(step(w1, w2)[0]);
    collect();
    const growth = (process.memoryUsage().heapUsed - before) / MB;
    expect(losses).toHaveLength(2_200);
    const limit = gc === null ? 40 : 2;
    expect(growth, `heapUsed grew by ${growth.toFixed(2)} MB for 2,000 kept losses`).toBeLessThan(limit);
  });
});
