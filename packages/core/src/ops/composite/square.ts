import { defineComposite } from '../../define.js';
import { real } from '../../check.js';
import type { TensorLike } from '../../convert.js';
import type { Tensor } from '../../tensor.js';
import { mul } from '../binary/mul.js';

/** x², elementwise. @example `square(tensor([-2, 3])) // [4, 9]` */
export const square = defineComposite('square', (x: TensorLike): Tensor => mul(x, x), { inputs: [real()], order: 2 });
