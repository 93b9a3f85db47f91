import { defineComposite } from '../../define.js';
import { real } from '../../check.js';
import type { TensorLike } from '../../convert.js';
import type { Tensor } from '../../tensor.js';
import { div } from '../binary/div.js';
import { sum } from '../reduce/sum.js';
import { checkReduction, randomAxes, type Axes } from '../reduce/_axes.js';

/** Arithmetic mean over `axis` (all axes when absent). @example `mean(tensor([[1, 2], [3, 4]]), 1) // [1.5, 3.5]` */
export const mean = defineComposite(
  'mean',
  (x: TensorLike, axis?: Axes, keepDims = false): Tensor => {
    const { x: t, axes, count } = checkReduction('mean', x, axis);
    return div(sum(t, axes, keepDims), count);
  },
  { inputs: [real()], order: 2, call: randomAxes((x, a, k): Tensor => mean(x, a, k)) },
);
