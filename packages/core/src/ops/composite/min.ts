import { defineComposite } from '../../define.js';
import { real } from '../../check.js';
import type { TensorLike } from '../../convert.js';
import type { Tensor } from '../../tensor.js';
import { neg } from '../unary/neg.js';
import { max } from '../reduce/max.js';
import { checkReduction, randomAxes, type Axes } from '../reduce/_axes.js';

/** Minimum over `axis` (all axes when absent); the gradient is split among ties. @example `min(tensor([3, 1, 2])) // 1` */
export const min = defineComposite(
  'min',
  (x: TensorLike, axis?: Axes, keepDims = false): Tensor => {
    const { x: t, axes } = checkReduction('min', x, axis);
    return neg(max(neg(t), axes, keepDims));
  },
  {
    inputs: [real()],
    order: 2,
    call: randomAxes((x, a, k): Tensor => min(x, a, k)),
  },
);
