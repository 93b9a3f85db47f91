// The foundation demo: derivatives of any order by nesting `grad`, and gradient checks of an RNN step against
// float64 finite differences. Run it with `pnpm demo`.
import { add, exp, grad, matmul, mul, neg, randn, sin, square, sum, tanh, tensor, type Tensor } from '@loom/core';
import { gradcheck, gradgradcheck } from '@loom/core/testing';

const f64 = { dtype: 'float64' } as const;

// f(x) = sin(x) · exp(−x²/4), written with loom ops: define-by-run, so it is plain code.
const f = (x: Tensor) => sum(mul(sin(x), exp(neg(mul(square(x), 0.25)))));
const df = grad(f);
const d2f = grad(df);

// The same derivatives by hand, to show the tape gets them right.
const g = (x: number) => Math.exp((-x * x) / 4);
const exact = {
  df: (x: number) => g(x) * (Math.cos(x) - (x / 2) * Math.sin(x)),
  d2f: (x: number) => g(x) * (-Math.sin(x) - x * Math.cos(x) + ((x * x) / 4 - 0.5) * Math.sin(x)),
};

console.log('f(x) = sin(x)·exp(−x²/4)\n');
const columns = ['f(x)', 'df/dx loom', 'by hand', 'd²f/dx² loom', 'by hand'];
console.log('x'.padStart(6) + columns.map((c) => c.padStart(14)).join(''));
for (const x of [-2, -1, 0, 0.5, 1, 2]) {
  const t = tensor(x, f64);
  const row = [x, f(t).item(), df(t).item(), exact.df(x), d2f(t).item(), exact.d2f(x)];
  console.log(row.map((v, i) => v.toFixed(i === 0 ? 1 : 6).padStart(i === 0 ? 6 : 14)).join(''));
}

// One Elman RNN step, h' = tanh(x·W + h·U + b), checked in every input to first and second order.
const step = (x: Tensor, h: Tensor, w: Tensor, u: Tensor, b: Tensor) => tanh(add(add(matmul(x, w), matmul(h, u)), b));
const inputs = [randn([2, 3], f64), randn([2, 4], f64), randn([3, 4], f64), randn([4, 4], f64), randn([4], f64)];
const entries = inputs.reduce((n, t) => n + t.size * 8, 0);

console.log(`\nRNN step h' = tanh(x·W + h·U + b), ${inputs.length} inputs, ${entries} Jacobian entries:`);
console.log(`  gradcheck      (order 1, eps 1e-6, atol 1e-5, rtol 1e-3): ${gradcheck(step, inputs) ? 'passed' : 'FAILED'}`);
console.log(`  gradgradcheck  (order 2):                                 ${gradgradcheck(step, inputs) ? 'passed' : 'FAILED'}`);
