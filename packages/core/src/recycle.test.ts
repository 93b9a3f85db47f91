// A backward sweep hands the memory of consumed gradients out again (recycle.ts). A miscount would show up as a
// wrong number somewhere later, so these tests compare every gradient and every forward value bit for bit against
// the same program run with recycling switched off, and check that memory was in fact reused.
import { fc, test } from '@fast-check/vitest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  add,
  concat,
  customGrad,
  definePrimitive,
  grad,
  matmul,
  mul,
  randn,
  reshape,
  seed,
  sigmoid,
  slice,
  split,
  sub,
  sum,
  tanh,
  transpose,
  type Tensor,
} from './index.js';
import { real } from './check.js';
import { dropSpare, recycling, Recycler, spareByteCount, withRecycler } from './recycle.js';
import { alloc, allocUnset } from './memory.js';

const N = 6; // rows; 6 × 7 float32 = 168 bytes, carved from slabs
const K = 7;
let saved: typeof recycling;

beforeEach(() => {
  saved = { ...recycling };
  recycling.enabled = true;
  recycling.minBytes = 65; // track every off-heap array, not just the large ones a real step has
  dropSpare();
});
afterEach(() => {
  Object.assign(recycling, saved);
  dropSpare();
});

/** One op of a random program: maps [N, K] tensors (and the weights) to a new [N, K] tensor. */
type Step = (pool: readonly Tensor[], w: Tensor, b: Tensor) => Tensor;
const pick = (pool: readonly Tensor[], i: number) => pool[i % pool.length]!;
const steps: fc.Arbitrary<Step>[] = [
  fc.tuple(fc.nat(), fc.nat()).map(
    ([i, j]): Step =>
      (p) =>
        add(pick(p, i), pick(p, j)),
  ),
  fc.tuple(fc.nat(), fc.nat()).map(
    ([i, j]): Step =>
      (p) =>
        mul(pick(p, i), pick(p, j)),
  ),
  fc.tuple(fc.nat(), fc.nat()).map(
    ([i, j]): Step =>
      (p) =>
        sub(pick(p, i), pick(p, j)),
  ),
  fc.nat().map(
    (i): Step =>
      (p) =>
        mul(pick(p, i), pick(p, i)),
  ),
  fc.nat().map(
    (i): Step =>
      (p) =>
        tanh(pick(p, i)),
  ),
  fc.nat().map(
    (i): Step =>
      (p) =>
        sigmoid(pick(p, i)),
  ),
  // The weight is used at every matmul: its ProductGradients wait and are merged into one product.
  fc.nat().map(
    (i): Step =>
      (p, w) =>
        matmul(pick(p, i), w, { transposeB: true }),
  ),
  fc.nat().map(
    (i): Step =>
      (p, _w, b) =>
        add(pick(p, i), b),
  ),
  // Views and placements: pieces of a split, put back in another order; a reshape; row slices.
  fc.nat().map(
    (i): Step =>
      (p) =>
        concat([...split(pick(p, i), [3, K - 3], 1)].reverse(), 1),
  ),
  fc.nat().map(
    (i): Step =>
      (p) =>
        reshape(transpose(reshape(pick(p, i), [K, N]), [1, 0]), [N, K]),
  ),
  fc.tuple(fc.nat(), fc.integer({ min: 1, max: N - 1 })).map(
    ([i, r]): Step =>
      (p) =>
        concat([slice(pick(p, i), [r], [N]), slice(pick(p, i), [0], [r])], 0),
  ),
];
const program = fc.array(fc.oneof(...steps), { minLength: 1, maxLength: 25 });

/**
 * Runs the program twice (the second forward pass draws on the first's spare memory) and returns every value and
 * gradient, read right after each backward pass and again at the end (memory handed out too early would have
 * been overwritten by then).
 */
function run(prog: readonly Step[], on: boolean): number[][] {
  recycling.enabled = on;
  dropSpare();
  seed(7);
  const x = randn([N, K]);
  const w = randn([K, K]);
  const b = randn([K]);
  for (const t of [x, w, b]) t.requiresGrad = true;
  const record: number[][] = [];
  const everything: Tensor[] = [];
  for (let round = 0; round < 2; round++) {
    const pool: Tensor[] = [x];
    for (const s of prog) pool.push(s(pool, w, b));
    const loss = pool.map((t) => sum(mul(t, randn([N, K])))).reduce((s, t) => add(s, t));
    for (const t of [x, w, b]) t.grad = null;
    loss.backward();
    const seen = [...pool, loss, ...[x.grad, w.grad, b.grad].filter((g) => g !== null)];
    for (const t of seen) record.push(Array.from(t.data));
    everything.push(...seen);
  }
  for (const t of everything) record.push(Array.from(t.data));
  return record;
}

describe('recycling in a backward sweep', () => {
  // With minBytes 100 the whole [N, K] tensors are tracked but slices of up to three rows are not (see mayShare).
  test.prop([program, fc.constantFrom(65, 100)], { numRuns: 80 })(
    'changes no value and no gradient, bit for bit, of a random program',
    (prog, minBytes) => {
      recycling.minBytes = minBytes;
      const off = run(prog, false);
      recycling.reusedBytes = 0;
      const on = run(prog, true);
      expect(on).toEqual(off);
    },
  );

  it('does reuse memory, in the sweep and in the next forward pass', () => {
    const prog = fc.sample(program, { numRuns: 20, seed: 3 }).flat();
    recycling.reusedBytes = 0;
    run(prog, true);
    expect(recycling.reusedBytes).toBeGreaterThan(0);
  });

  it('leaves alone what a user rule was given or returned, even if the rule keeps it', () => {
    recycling.enabled = true;
    const seen: { kept: Tensor; copy: number[] }[] = [];
    const keep = (g: Tensor) => (seen.push({ kept: g, copy: Array.from(g.data) }), g);
    // A user primitive (definePrimitive from the package) and a customGrad, both logging what flows through them.
    const logged = definePrimitive({
      name: 'logged',
      prepare: (_op: string, x: Tensor) => ({ inputs: [x], attrs: null }),
      forward: (_k, [x]) => ({ data: x!.data.slice(), shape: x!.shape }),
      backward: (gy) => [keep(mul(keep(gy), 1))],
      check: { inputs: [real()], order: 1 },
    });
    const loggedToo = customGrad((x: Tensor) => ({ value: mul(x, 1), grad: (gy) => keep(mul(keep(gy), 2)) }));
    seed(3);
    const x = randn([N, K]);
    x.requiresGrad = true;
    for (let round = 0; round < 3; round++) {
      const h = tanh(loggedToo(tanh(logged(tanh(mul(x, x))))));
      sum(mul(h, h)).backward();
    }
    expect(seen.length).toBe(12);
    for (const { kept, copy } of seen) expect(Array.from(kept.data)).toEqual(copy);
  });

  it('never hands out the gradients it returns', () => {
    recycling.enabled = true;
    seed(4);
    const x = randn([N, K]);
    const w = randn([K, K]);
    const [gx, gw] = grad((a: Tensor, v: Tensor) => sum(tanh(matmul(tanh(a), v))), [0, 1])(x, w) as Tensor[];
    const copies = [gx!, gw!].map((g) => Array.from(g.data));
    // Another sweep and forward pass, which draw on spare memory.
    for (let i = 0; i < 3; i++) grad((a: Tensor) => sum(mul(tanh(a), a)))(randn([N, K]));
    for (let i = 0; i < 3; i++) allocUnset('float32', N * K).fill(NaN);
    expect([gx!, gw!].map((g) => Array.from(g.data))).toEqual(copies);
  });

  it('gives spare memory back to the collector at the next macrotask', async () => {
    recycling.enabled = true;
    const x = randn([64, 64]);
    x.requiresGrad = true;
    sum(tanh(tanh(mul(x, x)))).backward();
    expect(spareByteCount()).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(spareByteCount()).toBe(0);
  });
});

describe('Recycler', () => {
  it('makes memory spare only when its holders reach zero at a flush, and only once', () => {
    withRecycler(true, (r) => {
      const a = allocUnset('float32', 1024);
      r!.hold(a);
      r!.drop(a);
      r!.hold(a); // taken up again before the flush (one rule's result stored in a second slot)
      r!.flush();
      expect(spareByteCount()).toBe(0);
      r!.drop(a);
      r!.flush();
      expect(spareByteCount()).toBe(4096);
      r!.recycle(a); // already spare: not listed twice
      r!.flush();
      expect(spareByteCount()).toBe(4096);
      const again = alloc('float32', 1024);
      expect(again.buffer).toBe(a.buffer);
      expect(again.every((v) => v === 0)).toBe(true); // alloc zeroes what it reuses
      expect(spareByteCount()).toBe(0);
    });
  });

  it('never touches memory made before the sweep, or pinned memory', () => {
    const before = allocUnset('float32', 1024);
    withRecycler(true, (r) => {
      const pinned = allocUnset('float32', 1024);
      for (const a of [before, pinned]) r!.hold(a);
      r!.pin(pinned);
      for (const a of [before, pinned]) r!.drop(a);
      r!.recycle(before);
      r!.flush();
      expect(spareByteCount()).toBe(0);
    });
  });

  it('is off in a nested sweep and when not wanted', () => {
    expect(withRecycler(false, (r) => r)).toBeNull();
    withRecycler(true, (outer) => {
      expect(outer).toBeInstanceOf(Recycler);
      expect(withRecycler(true, (inner) => inner)).toBeNull();
    });
  });
});
