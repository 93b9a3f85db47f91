import {
  add,
  cos,
  exp,
  grad,
  GradError,
  mul,
  noGrad,
  pow,
  sin,
  square,
  stopGradient,
  sub,
  sum,
  tanh,
  tensor,
  valueAndGrad,
  type Tensor,
} from '@loom/core';
import { describe, expect, it } from 'vitest';
import { expectClose, f64, fdGrad, uniform64 } from '../../test/_numeric.js';

const cube = (x: Tensor) => sum(mul(x, mul(x, x)));

describe('grad and valueAndGrad: arguments', () => {
  it('differentiates the first argument by default', () => {
    const x = f64([1, -2, 0.5]);
    expectClose(grad(cube)(x), [3, 12, 0.75]); // 3x²
  });

  it('argnums as a number picks that argument; the others pass through unchanged', () => {
    const f = (scale: number, x: Tensor, y: Tensor) => sum(mul(scale, mul(x, y)));
    const x = f64([1, 2]);
    const y = f64([3, -4]);
    expectClose(grad(f, 1)(2, x, y), [6, -8]); // scale·y
    expectClose(grad(f, 2)(2, x, y), [2, 4]); // scale·x
  });

  it('argnums as a list returns one gradient per listed argument, in the listed order', () => {
    const f = (x: Tensor, label: string, y: Tensor) => {
      expect(label).toBe('passed through');
      return sum(mul(square(x), y));
    };
    const x = f64([1, 2]);
    const y = f64([3, 5]);
    const gs = grad(f, [2, 0])(x, 'passed through', y);
    expect(Array.isArray(gs)).toBe(true);
    expect(gs).toHaveLength(2);
    expectClose(gs[0]!, [1, 4]); // ∂/∂y = x²
    expectClose(gs[1]!, [6, 20]); // ∂/∂x = 2xy
  });

  it('a single-element list still returns an array', () => {
    const gs = grad((x: Tensor) => sum(square(x)), [0])(f64([3]));
    expect(Array.isArray(gs)).toBe(true);
    expectClose(gs[0]!, [6]);
  });

  it('valueAndGrad returns the value f(x) and the gradient', () => {
    const x = f64([1, 2, 3]);
    const [value, g] = valueAndGrad((t: Tensor) => sum(square(t)))(x);
    expect(value.item()).toBe(14);
    expectClose(g, [2, 4, 6]);
    const [v2, gs] = valueAndGrad((a: Tensor, b: Tensor) => sum(mul(a, b)), [0, 1])(x, f64([4, 5, 6]));
    expect(v2.item()).toBe(32);
    expectClose(gs[0]!, [4, 5, 6]);
    expectClose(gs[1]!, [1, 2, 3]);
  });

  it('the gradient has the shape and dtype of its argument', () => {
    const x = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const g = grad((t: Tensor) => sum(square(t)))(x);
    expect(g.shape).toEqual([2, 3]);
    expect(g.dtype).toBe('float32');
    expect(g.toArray()).toEqual([
      [2, 4, 6],
      [8, 10, 12],
    ]);
  });

  it('a one-element tensor of any rank counts as a scalar output', () => {
    const g = grad((t: Tensor) => mul(square(t), 1))(f64([3], [1, 1]));
    expect(g.shape).toEqual([1, 1]);
    expectClose(g, [6]);
  });

  it('the gradient for an input the output does not depend on is zeros of its shape', () => {
    const x = f64([1, 2]);
    const y = f64([1, 2, 3], [3, 1]);
    const [gx, gy] = grad((a: Tensor, _b: Tensor) => sum(square(a)), [0, 1])(x, y);
    expectClose(gx!, [2, 4]);
    expect(gy!.shape).toEqual([3, 1]);
    expect(gy!.dtype).toBe('float64');
    expect(Array.from(gy!.data)).toEqual([0, 0, 0]);
    // Also when the output is a constant that does not touch the argument at all.
    const g0 = grad((_a: Tensor) => f64(7))(x);
    expect(Array.from(g0.data)).toEqual([0, 0]);
  });

  it('an argument used several times gets the sum of its contributions', () => {
    const x = f64([2]);
    // f = x·x + x + x·x·x → f' = 2x + 1 + 3x² = 17 at 2
    const g = grad((t: Tensor) => sum(add(add(mul(t, t), t), mul(t, mul(t, t)))))(x);
    expectClose(g, [17]);
  });

  it('does not mark the argument or its result as requiring gradients', () => {
    const x = f64([1, 2]);
    const g = grad((t: Tensor) => sum(square(t)))(x);
    expect(x.requiresGrad).toBe(false);
    expect(x.grad).toBeNull();
    expect(g.requiresGrad).toBe(false);
  });

  it('the identity function has gradient one; a linear function has second derivative zero', () => {
    expectClose(grad((t: Tensor) => t)(f64(4)), [1], 0);
    expectClose(grad(grad((t: Tensor) => mul(t, 3)))(f64(4)), [0], 0);
    expectClose(grad(grad(grad((t: Tensor) => mul(t, mul(t, 3)))))(f64(4)), [0], 0);
  });

  it('grad with respect to a leaf that requires gradients (a parameter) leaves its .grad alone', () => {
    const w = tensor([1, 2], { dtype: 'float64', requiresGrad: true });
    const g = grad((t: Tensor) => sum(mul(t, t)))(w);
    expectClose(g, [2, 4], 0);
    expect(w.grad).toBeNull();
  });

  it('valueAndGrad outside any transform returns a value with no history (it would keep the whole tape alive)', () => {
    // JAX returns a plain value; the design notes say first-order training keeps no extra graph alive. A loss kept
    // for logging (losses.push(loss)) must not pin every intermediate tensor of its step.
    const [value] = valueAndGrad((t: Tensor) => sum(tanh(mul(t, t))))(f64([1, 2]));
    expect(value.requiresGrad).toBe(false);
    expect(value.node).toBeNull();
    expectClose(value, [Math.tanh(1) + Math.tanh(4)], 1e-15, 1e-15);
  });

  it('valueAndGrad nested in grad: the value stays differentiable by the outer grad', () => {
    // outer: d/dx of the value of an inner valueAndGrad of sin → cos x
    const g = grad((x: Tensor) => valueAndGrad((y: Tensor) => sin(y))(x)[0]);
    expectClose(g(f64(0.6)), [Math.cos(0.6)], 1e-15, 1e-15);
  });

  it('works inside noGrad', () => {
    const g = noGrad(() => grad((t: Tensor) => sum(square(t)))(f64([3])));
    expectClose(g, [6]);
  });

  it('matches central differences on a random composite function', () => {
    const f = (w: Tensor, x: Tensor) => sum(tanh(mul(w, exp(mul(x, 0.3)))));
    const w = uniform64([5], 1);
    const x = uniform64([5], 2);
    expectClose(grad(f)(w, x), fdGrad(f, [w, x], 0), 1e-7, 1e-6);
    expectClose(grad(f, 1)(w, x), fdGrad(f, [w, x], 1), 1e-7, 1e-6);
  });
});

describe('grad: errors name the problem', () => {
  it('throws GradError when f returns a non-scalar, naming the shape', () => {
    const g = grad((t: Tensor) => square(t));
    expect(() => g(f64([1, 2]))).toThrow(GradError);
    expect(() => g(f64([1, 2]))).toThrow(/one-element/);
    expect(() => g(f64([1, 2]))).toThrow(/\[2\]/);
    expect(() => valueAndGrad((t: Tensor) => square(t))(f64([1, 2, 3], [3, 1]))).toThrow(/\[3,1\]/);
  });

  it('throws GradError when f returns something that is not a Tensor', () => {
    const g = grad(((t: Tensor) => t.item()) as unknown as (t: Tensor) => Tensor);
    expect(() => g(f64(1))).toThrow(GradError);
    expect(() => g(f64(1))).toThrow(/number/);
  });

  it('throws GradError when the differentiated argument is not a Tensor, naming its position and type', () => {
    const f = (_a: unknown, b: Tensor) => sum(mul(b, b));
    expect(() => grad(f)(3, f64(1))).toThrow(GradError);
    expect(() => grad(f)(3, f64(1))).toThrow(/argument 0 must be a Tensor.*number/);
    expect(() => grad(f, [1, 0])(3, f64(1))).toThrow(/argument 0/);
    expect(() => grad(f, 2)(3, f64(1))).toThrow(/argument 2 must be a Tensor.*nothing/);
  });
});

describe('higher order by nesting grad', () => {
  // The closed forms are evaluated in plain JS numbers, independently of the library.
  const points = [-1.7, -0.4, 0.3, 1.1, 2.5];
  const scalarGrad = (f: (x: Tensor) => Tensor) => (x: Tensor) => grad(f)(x);

  it('polynomial p(x) = 2x⁴ − 3x³ + x − 5: first, second, third and fourth derivatives', () => {
    const p = (x: Tensor) => sub(add(sub(mul(2, pow(x, 4)), mul(3, pow(x, 3))), x), 5);
    const d1 = scalarGrad(p);
    const d2 = scalarGrad(d1);
    const d3 = scalarGrad(d2);
    const d4 = scalarGrad(d3);
    for (const v of points) {
      const x = f64(v);
      expectClose(d1(x), [8 * v ** 3 - 9 * v ** 2 + 1], 1e-10, 1e-10);
      expectClose(d2(x), [24 * v ** 2 - 18 * v], 1e-10, 1e-10);
      expectClose(d3(x), [48 * v - 18], 1e-10, 1e-10);
      expectClose(d4(x), [48], 1e-10, 1e-10);
    }
  });

  it('polynomial through mul only: d³/dx³ x⁵ = 60x²', () => {
    const f = (x: Tensor) => mul(x, mul(x, mul(x, mul(x, x))));
    const d3 = grad(grad(grad(f)));
    for (const v of points) expectClose(d3(f64(v)), [60 * v * v], 1e-10, 1e-10);
  });

  it('sin: derivatives cycle cos, −sin, −cos, sin', () => {
    const d1 = grad(sin);
    const d2 = grad(d1);
    const d3 = grad(d2);
    const d4 = grad(d3);
    for (const v of points) {
      const x = f64(v);
      expectClose(d1(x), [Math.cos(v)], 1e-12, 1e-12);
      expectClose(d2(x), [-Math.sin(v)], 1e-12, 1e-12);
      expectClose(d3(x), [-Math.cos(v)], 1e-12, 1e-12);
      expectClose(d4(x), [Math.sin(v)], 1e-12, 1e-12);
    }
  });

  it('exp(sin x): third derivative', () => {
    // f = e^{sin x}; f' = cos·f; f'' = (cos² − sin)·f; f''' = (−2 sin cos − cos + cos(cos² − sin))·f
    //   = cos·(cos² − 3 sin − 1)·f
    const f = (x: Tensor) => exp(sin(x));
    const d3 = grad(grad(grad(f)));
    for (const v of points) {
      const s = Math.sin(v);
      const c = Math.cos(v);
      expectClose(d3(f64(v)), [c * (c * c - 3 * s - 1) * Math.exp(s)], 1e-10, 1e-10);
    }
  });

  it('x·cos(x²): second derivative', () => {
    // f' = cos(x²) − 2x² sin(x²); f'' = −2x sin(x²) − 4x sin(x²) − 4x³ cos(x²) = −6x sin(x²) − 4x³ cos(x²)
    const f = (x: Tensor) => mul(x, cos(square(x)));
    const d2 = grad(grad(f));
    for (const v of points) {
      const u = v * v;
      expectClose(d2(f64(v)), [-6 * v * Math.sin(u) - 4 * v ** 3 * Math.cos(u)], 1e-10, 1e-10);
    }
  });

  it('second derivative of a vector function summed: grad of (x ↦ Σ grad(f)(x))', () => {
    // f = Σ xᵢ³ → ∇f = 3x² → Σ ∇f = Σ 3xᵢ² → gradient 6x.
    const x = f64([1, -2, 0.5]);
    const h = grad((t: Tensor) => sum(grad(cube)(t)))(x);
    expectClose(h, [6, -12, 3], 1e-12);
  });
});

describe('perturbation confusion (Siskind & Pearlmutter)', () => {
  it('d/dx [x · d/dy (x + y)] at y = 1 is 1, not 2', () => {
    const inner = (x: Tensor) => grad((y: Tensor) => add(x, y))(f64(1));
    const outer = grad((x: Tensor) => mul(x, inner(x)));
    for (const v of [1, 3, -2]) expectClose(outer(f64(v)), [1], 0);
  });

  it('d/dx [d/dy (x·y)] at y = c is 1 for any c (inner closes over the outer variable)', () => {
    const f = (x: Tensor) => grad((y: Tensor) => mul(x, y))(f64(7));
    expectClose(grad(f)(f64(3)), [1], 0);
    // and the inner value itself is x
    expectClose(f(f64(3)), [3], 0);
  });

  it('inner grad taken at the outer variable: d/dx [∂/∂y (x·y²)]|_{y=x} = d/dx 2x² = 4x', () => {
    const f = (x: Tensor) => grad((y: Tensor) => mul(x, mul(y, y)))(x);
    for (const v of [1.5, -2]) {
      expectClose(f(f64(v)), [2 * v * v], 1e-12);
      expectClose(grad(f)(f64(v)), [4 * v], 1e-12);
    }
  });

  it('three levels: d/dx [x · d/dy [y · d/dz (x·y·z)]] = d/dx [x · 2xy] with y = 2: 8x', () => {
    // innermost: d/dz (x y z) = x y; middle: d/dy (y · x y) = 2 x y; outer: x · 2xy = 2x²y → d/dx = 4xy = 8x at y=2.
    const f = (x: Tensor) => {
      const middle = grad((y: Tensor) => mul(y, grad((z: Tensor) => mul(x, mul(y, z)))(f64(5))))(f64(2));
      return mul(x, middle);
    };
    for (const v of [1, -0.5]) {
      expectClose(f(f64(v)), [4 * v * v], 1e-12);
      expectClose(grad(f)(f64(v)), [8 * v], 1e-12);
    }
  });

  it('an inner grad with respect to a tensor computed from the outer variable', () => {
    // g(x) = d/du sin(u) at u = 2x = cos(2x); d/dx g = −2 sin(2x)
    const g = (x: Tensor) => grad(sin)(mul(x, 2));
    for (const v of [0.3, 1.2]) {
      expectClose(g(f64(v)), [Math.cos(2 * v)], 1e-12);
      expectClose(grad(g)(f64(v)), [-2 * Math.sin(2 * v)], 1e-12);
    }
  });

  it('stopGradient of the outer variable inside the inner function is a constant for both', () => {
    // f(x) = d/dy [sg(x)·y²] at y = x = 2·sg(x)·x → df/dx = 2x (through y only)
    const f = (x: Tensor) => grad((y: Tensor) => mul(stopGradient(x), square(y)))(x);
    expectClose(grad(f)(f64(3)), [6], 1e-12);
  });
});
