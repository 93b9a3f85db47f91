import type { Kernels } from '@loom/ops';
import { defineCorePrimitive, type InputGrads } from '../../define.js';
import { real } from '../../check.js';
import { mapBinary, twoTensors } from '../_elementwise.js';

type Comparison = 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge';

/** Comparisons share everything but the kernel: 1 where true, 0 where false, and no gradient to either side. */
function comparison(name: Comparison) {
  return defineCorePrimitive({
    name,
    prepare: twoTensors,
    forward: (k: Kernels, inputs, shape) => mapBinary(k[name], inputs, shape),
    backward: (): InputGrads => [null, null],
    // Drawn values are continuous, so ties (where the step has no derivative) have probability zero.
    saves: {},
    check: { inputs: [real(), real()], order: 2 },
  });
}

/** 1 where a = b, else 0, with broadcasting. Not differentiable: no gradient flows. @example `eq(x, 0)` */
export const eq = comparison('eq');
/** 1 where a ≠ b, else 0, with broadcasting. Not differentiable. @example `ne(x, 0)` */
export const ne = comparison('ne');
/** 1 where a < b, else 0, with broadcasting. Not differentiable. @example `lt(x, 0)` */
export const lt = comparison('lt');
/** 1 where a ≤ b, else 0, with broadcasting. Not differentiable. @example `le(x, 0)` */
export const le = comparison('le');
/** 1 where a > b, else 0, with broadcasting. Not differentiable. @example `where(gt(x, 0), sqrt(x), 0)` */
export const gt = comparison('gt');
/** 1 where a ≥ b, else 0, with broadcasting. Not differentiable. @example `ge(x, 0)` */
export const ge = comparison('ge');
