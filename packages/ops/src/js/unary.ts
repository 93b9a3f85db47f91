import type { FloatArray, Kernels } from '../kernels.js';

/** The elementwise kernels of one argument. */
export type UnaryKernels<F extends FloatArray> = Pick<
  Kernels<F>,
  'neg' | 'exp' | 'log' | 'log1p' | 'sqrt' | 'tanh' | 'sigmoid' | 'relu' | 'abs' | 'sign' | 'sin' | 'cos'
>;

/**
 * Builds the unary kernels. Each method is a separate loop (no shared loop calling a per-op function), so the
 * JIT sees one arithmetic operation per loop and can inline it.
 */
export function createUnaryKernels<F extends FloatArray>(): UnaryKernels<F> {
  return {
    neg(x, out) {
      for (let i = 0; i < out.length; i++) out[i] = -x[i]!;
    },
    exp(x, out) {
      for (let i = 0; i < out.length; i++) out[i] = Math.exp(x[i]!);
    },
    log(x, out) {
      for (let i = 0; i < out.length; i++) out[i] = Math.log(x[i]!);
    },
    log1p(x, out) {
      for (let i = 0; i < out.length; i++) out[i] = Math.log1p(x[i]!);
    },
    sqrt(x, out) {
      for (let i = 0; i < out.length; i++) out[i] = Math.sqrt(x[i]!);
    },
    tanh(x, out) {
      for (let i = 0; i < out.length; i++) out[i] = Math.tanh(x[i]!);
    },
    sigmoid(x, out) {
      // e^(−|x|) never overflows: for x < 0 use e^x / (1 + e^x), which also keeps tiny results accurate instead
      // of computing 1 − (something close to 1).
      for (let i = 0; i < out.length; i++) {
        const v = x[i]!;
        if (v >= 0) {
          out[i] = 1 / (1 + Math.exp(-v));
        } else {
          const e = Math.exp(v);
          out[i] = e / (1 + e);
        }
      }
    },
    relu(x, out) {
      // `v < 0` is false for NaN, so NaN passes through (as in PyTorch) rather than turning into 0.
      for (let i = 0; i < out.length; i++) {
        const v = x[i]!;
        out[i] = v < 0 ? 0 : v;
      }
    },
    abs(x, out) {
      for (let i = 0; i < out.length; i++) out[i] = Math.abs(x[i]!);
    },
    sign(x, out) {
      // Math.sign keeps NaN as NaN and maps ±0 to ±0.
      for (let i = 0; i < out.length; i++) out[i] = Math.sign(x[i]!);
    },
    sin(x, out) {
      for (let i = 0; i < out.length; i++) out[i] = Math.sin(x[i]!);
    },
    cos(x, out) {
      for (let i = 0; i < out.length; i++) out[i] = Math.cos(x[i]!);
    },
  };
}
