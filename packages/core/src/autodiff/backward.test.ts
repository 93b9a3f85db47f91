import { add, grad, mul, sum, tanh, tensor, type Tensor } from '@loom/core';
import { describe, expect, it } from 'vitest';
import { expectClose, f64 } from '../../test/_numeric.js';

// The sweep is iterative (explicit stack): an unrolled sequence is thousands of nodes deep, far beyond what
// recursion over the tape would survive.
describe('long chains', () => {
  const steps = 20_000;

  it(`grad through ${steps} sequential add(h, x) ops`, () => {
    // h_n = h_0 + n·x → dh_n/dx = n (per element), dh_n/dh_0 = 1
    const f = (x: Tensor, h0: Tensor) => {
      let h = h0;
      for (let i = 0; i < steps; i++) h = add(h, x);
      return sum(h);
    };
    const [gx, gh] = grad(f, [0, 1])(f64([0.5, -1]), f64([0, 0]));
    expectClose(gx!, [steps, steps], 0);
    expectClose(gh!, [1, 1], 0);
  });

  it(`Tensor.backward through ${steps} sequential add(h, x) ops`, () => {
    const x = tensor([1], { dtype: 'float64', requiresGrad: true });
    let h: Tensor = f64([0]);
    for (let i = 0; i < steps; i++) h = add(h, x);
    sum(h).backward();
    expectClose(x.grad!, [steps], 0);
  });

  it(`a deep chain of nonlinear ops (${steps} steps of h ↦ tanh(h)·w + x)`, () => {
    // With w = 0.5 and x = 0 from h₀ = 0, every hₖ = 0; the adjoint is then aₖ₋₁ = aₖ·w·tanh'(0) = 0.5·aₖ,
    // so dL/dx = Σₖ 0.5ᵏ over k < steps ≈ 2 and dL/dw = Σ aₖ·tanh(hₖ₋₁) = 0.
    const f = (x: Tensor, w: Tensor) => {
      let h: Tensor = f64(0);
      for (let i = 0; i < steps; i++) h = add(mul(tanh(h), w), x);
      return h;
    };
    const [gx, gw] = grad(f, [0, 1])(f64(0), f64(0.5));
    expectClose(gx!, [2], 1e-12);
    expect(gw!.item()).toBe(0);
  });
});
