import type { Shape } from '@loom/ops';
import { normalizeAxis, toTensors, type TensorLike } from '../../convert.js';
import { ShapeError } from '../../errors.js';
import { randomShape, real, type CheckRow, type Pick } from '../../check.js';
import type { Prepared } from '../../define.js';
import type { Tensor } from '../../tensor.js';

/** Axes to reduce over: one axis, a list, or all of them when absent. Negative axes count from the end. */
export type Axes = number | readonly number[];

/** Attributes of a reduction: sorted distinct axes, whether they stay as size 1, and the output shape. */
export interface ReduceAttrs {
  readonly axes: readonly number[];
  readonly keepDims: boolean;
  /** The input shape with reduced axes set to 1: broadcasting the output against the input lines them up. */
  readonly keptShape: Shape;
  readonly shape: Shape;
}

/** `prepare` of reductions: checks and normalizes the axes. */
export function reduceArgs(op: string, x: TensorLike, axis?: Axes, keepDims = false): Prepared<ReduceAttrs> {
  const [t] = toTensors(op, ['x'], [x]);
  const rank = t!.rank;
  const list = axis === undefined ? [...Array(rank).keys()] : typeof axis === 'number' ? [axis] : [...axis];
  const axes = list.map((a) => normalizeAxis(op, a, rank)).sort((a, b) => a - b);
  if (new Set(axes).size !== axes.length) throw new ShapeError(`${op}: axis list [${list.join(',')}] names an axis twice`);
  const keptShape = t!.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const shape = keepDims ? keptShape : t!.shape.filter((_, i) => !axes.includes(i));
  return { inputs: [t!], attrs: { axes, keepDims, keptShape, shape } };
}

/** Check-table helper: calls a reduction on a random subset of the input's axes, with random keepDims. */
export function randomAxes(reduce: (x: Tensor, axis?: Axes, keepDims?: boolean) => Tensor) {
  return ([x]: Tensor[], pick: Pick): Tensor => {
    const rank = x!.rank;
    const axes = [...Array(rank).keys()].filter(() => pick.int(0, 1) === 1);
    const all = pick.int(0, 3) === 0;
    return reduce(x!, all ? undefined : axes.map((a) => (pick.int(0, 1) ? a - rank : a)), pick.int(0, 1) === 1);
  };
}

/**
 * Checks a composite's reduction arguments under the composite's own name, so its errors say `mean:` rather than
 * `sum:`. Returns the tensor, the normalized axes, and how many elements each output combines.
 */
export function checkReduction(op: string, x: TensorLike, axis?: Axes): { x: Tensor; axes: number[]; count: number } {
  const { inputs, attrs } = reduceArgs(op, x, axis);
  const t = inputs[0]!;
  return { x: t, axes: [...attrs.axes], count: attrs.axes.reduce((n, a) => n * t.shape[a]!, 1) };
}

/** Check-table row for ops along one axis: rank ≥ 1 inputs, a random axis (negative half the time). */
export function alongRandomAxis(op: (x: Tensor, axis: number) => Tensor): CheckRow {
  return {
    inputs: [real(-5, 5)],
    order: 2,
    shapes: (pick: Pick) => [randomShape(pick, 1)],
    call: ([x]: Tensor[], pick: Pick): Tensor => op(x!, pick.int(-x!.rank, x!.rank - 1)),
  };
}
