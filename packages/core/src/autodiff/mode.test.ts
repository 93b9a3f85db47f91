import { add, customGrad, grad, jvp, mul, noGrad, sin, square, stopGradient, sum, tensor, vjp, type Tensor } from '@loom/core';
import { describe, expect, it } from 'vitest';
import { expectClose, f64 } from '../../test/_numeric.js';

function leaf(values: number[]): Tensor {
  const t = tensor(values, { dtype: 'float64' });
  t.requiresGrad = true;
  return t;
}

describe('noGrad', () => {
  it('results made inside do not require gradients even when the inputs do', () => {
    const w = leaf([1, 2]);
    const y = noGrad(() => mul(w, 2));
    expect(y.requiresGrad).toBe(false);
    expect(y.node).toBeNull();
    expectClose(y, [2, 4], 0);
  });

  it('returns the callback value and restores recording afterwards', () => {
    const w = leaf([1, 2]);
    const value = noGrad(() => 42);
    expect(value).toBe(42);
    expect(mul(w, 2).requiresGrad).toBe(true);
  });

  it('restores recording after the callback throws', () => {
    const w = leaf([1]);
    expect(() =>
      noGrad(() => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(mul(w, 2).requiresGrad).toBe(true);
  });

  it('nests: an inner noGrad does not re-enable recording in an outer one', () => {
    const w = leaf([1]);
    const y = noGrad(() => {
      noGrad(() => mul(w, 1));
      return mul(w, 3);
    });
    expect(y.requiresGrad).toBe(false);
  });

  it('a tensor made inside noGrad is a constant for a later backward', () => {
    const w = leaf([3]);
    const frozen = noGrad(() => mul(w, w)); // 9, no history
    mul(frozen, w).backward(); // d/dw (9·w) = 9
    expectClose(w.grad!, [9], 0);
  });

  it('inside grad, a noGrad block is a constant', () => {
    // f(x) = x · [x²]_const → f' = x² (the constant), not 3x²
    const g = grad((x: Tensor) =>
      sum(
        mul(
          x,
          noGrad(() => square(x)),
        ),
      ),
    )(f64(2));
    expectClose(g, [4], 0);
  });
});

describe('stopGradient', () => {
  it('grad(x ↦ x · stopGradient(x))(3) = 3', () => {
    const g = grad((x: Tensor) => mul(x, stopGradient(x)))(f64(3));
    expect(g.item()).toBe(3);
  });

  it('keeps the values and shape, and the result is a leaf that does not require gradients', () => {
    const w = leaf([1, 2, 3]);
    const y = mul(w, 2);
    const s = stopGradient(y);
    expect(s.requiresGrad).toBe(false);
    expect(s.node).toBeNull();
    expect(s.shape).toEqual([3]);
    expectClose(s, [2, 4, 6], 0);
  });

  it('blocks gradients in Tensor.backward too', () => {
    const w = leaf([2]);
    add(mul(w, stopGradient(sin(w))), stopGradient(mul(w, 100))).backward();
    expectClose(w.grad!, [Math.sin(2)], 1e-15);
  });

  it('stopGradient of the whole output gives a zero gradient', () => {
    const g = grad((x: Tensor) => stopGradient(sum(square(x))))(f64([1, 2]));
    expect(Array.from(g.data)).toEqual([0, 0]);
  });

  it('blocks second-order terms: d²/dx² [x² · sg(x)] = 2·x (from the x² factor only)', () => {
    const d2 = grad(grad((x: Tensor) => mul(square(x), stopGradient(x))));
    expectClose(d2(f64(5)), [10], 0);
  });
});

describe('transform state is restored after a throw', () => {
  // While a transform runs, backward passes are recorded (so an outer transform can differentiate them). If that
  // state leaked out of a transform that threw, every later top-level backward would keep its graph alive.
  const throwing = customGrad((x: Tensor) => ({
    value: x,
    grad: () => {
      throw new Error('rule failed');
    },
  }));

  it('after grad, vjp and jvp throw, a top-level backward records nothing and noGrad still works', () => {
    expect(() => grad((x: Tensor) => sum(throwing(x)))(tensor([1], { dtype: 'float64' }))).toThrow('rule failed');
    expect(() =>
      grad((_x: Tensor): Tensor => {
        throw new Error('f failed');
      })(tensor(1)),
    ).toThrow('f failed');
    const [, pullback] = vjp((x: Tensor) => throwing(x), tensor([1], { dtype: 'float64' }));
    expect(() => pullback(tensor([1], { dtype: 'float64' }))).toThrow('rule failed');
    expect(() => jvp((x: Tensor) => throwing(x), [tensor([1])], [tensor([1])])).toThrow('rule failed');
    expect(() =>
      noGrad(() => {
        throw new Error('inside noGrad');
      }),
    ).toThrow('inside noGrad');

    const w = tensor([2], { dtype: 'float64', requiresGrad: true });
    sum(mul(w, w)).backward();
    expect(w.grad!.requiresGrad).toBe(false); // not recorded: no trace is active any more
    expect(w.grad!.node).toBeNull();
    expect(noGrad(() => mul(w, 2)).requiresGrad).toBe(false);
    expect(mul(w, 2).requiresGrad).toBe(true);
  });
});
