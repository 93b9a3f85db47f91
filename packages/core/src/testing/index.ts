/**
 * Gradient checking for your own test suites: {@link gradcheck} and {@link gradgradcheck} compare the tape
 * against float64 finite differences, with PyTorch's defaults. The input domains are the ones loom's own
 * gradient-check table uses.
 *
 * @module
 */
export {
  gradcheck,
  gradgradcheck,
  GradcheckError,
  type GradcheckOptions,
  type GradgradcheckOptions,
  type CheckedFunction,
} from './gradcheck.js';
export { real, positive, awayFrom, mask, randomShape } from '../check.js';
