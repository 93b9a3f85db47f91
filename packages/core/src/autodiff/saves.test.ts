// A record keeps only what its backward rule reads (the primitive's `saves`), so intermediates that no rule reads
// are freed between the forward and the backward pass. These tests watch real buffers with WeakRef and a forced GC.
import v8 from 'node:v8';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { add, definePrimitive, GradError, grad, mul, randn, sigmoid, sum, tanh, tensor, type Tensor } from '../index.js';
import { real } from '../check.js';

function forceGc(): () => void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (typeof g === 'function') return g;
  v8.setFlagsFromString('--expose-gc'); // as in test/memory.test.ts: a new vm context then has a `gc` global
  return vm.runInNewContext('gc') as () => void;
}

// 32768 float32 elements = 128 KiB: above the slab limit, so each tensor has an ArrayBuffer of its own.
const N = 32768;

describe('saves', () => {
  it('frees an intermediate that no backward rule reads, and keeps one that a rule reads, while the graph lives', async () => {
    const gc = forceGc();
    const x = randn([N]);
    x.requiresGrad = true;
    const w = randn([N]);
    let freed: WeakRef<ArrayBuffer>;
    let kept: WeakRef<ArrayBuffer>;
    const build = (): Tensor => {
      const pre = mul(x, w); // read by nobody: add reads neither input
      const act = sigmoid(add(pre, 1)); // sigmoid's backward reads its output
      freed = new WeakRef(pre.data.buffer as ArrayBuffer);
      kept = new WeakRef(act.data.buffer as ArrayBuffer);
      return sum(mul(act, 3)); // mul reads act too
    };
    const loss = build();
    // A WeakRef keeps its target alive until the current job ends, so let it end before collecting.
    await new Promise((resolve) => setTimeout(resolve, 0));
    for (let i = 0; i < 3; i++) gc();
    expect(freed!.deref()).toBeUndefined();
    expect(kept!.deref()).toBeDefined();
    // The gradient is still right: d/dx Σ 3σ(x·w + 1) = 3σ'(·)·w.
    loss.backward();
    const expected = Array.from(x.data, (xi, i) => {
      const s = 1 / (1 + Math.exp(-(xi * w.data[i]! + 1))); // σ in plain JS, independent of loom's kernels
      return 3 * s * (1 - s) * w.data[i]!;
    });
    const got = x.grad!.data;
    for (let i = 0; i < N; i += 997) expect(got[i]).toBeCloseTo(expected[i]!, 5);
  });

  it('throws a GradError naming the tensor when a rule reads an input its record does not save', () => {
    const square = definePrimitive({
      name: 'badSquare',
      prepare: (_op: string, x: Tensor) => ({ inputs: [x], attrs: null }),
      forward: (k, [x]) => {
        const out = new Float64Array(x!.size);
        k.mul(x!.data, x!.shape, x!.data, x!.shape, out, x!.shape);
        return { data: out, shape: x!.shape };
      },
      backward: (gy, { inputs: [x] }) => [mul(mul(gy, x!), 2)],
      saves: {}, // wrong: the rule reads x
      check: { inputs: [real()], order: 1 },
    });
    const f = (x: Tensor) => sum(square(tanh(x)));
    expect(() => grad(f)(tensor([0.5, -1], { dtype: 'float64' }))).toThrow(GradError);
    expect(() => grad(f)(tensor([0.5, -1], { dtype: 'float64' }))).toThrow(/output of 'tanh' \(shape \[2\]\).*saves/);
  });
});
