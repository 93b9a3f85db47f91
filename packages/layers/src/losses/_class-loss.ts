import {
  ShapeError,
  Tensor,
  ValueError,
  add,
  gather,
  mean,
  mul,
  neg,
  reshape,
  sum,
  tensor,
  transpose,
  where,
  type NestedArray,
} from '@loom/core';
import { checkReduction, fmt, reduce, sameDType, type ReductionOptions } from './_reduction.js';

/** Whole numbers at any nesting depth: class indices written as plain arrays. */
export type NestedIndices = number | readonly NestedIndices[];

/**
 * Targets of {@link crossEntropy} and {@link nllLoss}: class indices (a Tensor of whole numbers, plain arrays or an
 * Int32Array, shaped like the input without its class axis) or class probabilities (a Tensor shaped like the input).
 */
export type ClassTarget = Tensor | Int32Array | NestedIndices;

/** Options of {@link nllLoss}; {@link crossEntropy} adds label smoothing. */
export interface NllLossOptions extends ReductionOptions {
  /** Class-index targets equal to this are skipped: loss 0, no gradient, not counted by 'mean'. Default −100. */
  readonly ignoreIndex?: number;
  /** The class axis of the input. Default −1, the last (PyTorch puts it at 1; pass `axis: 1` for its layout). */
  readonly axis?: number;
}

/** The negative log-likelihood shared by crossEntropy and nllLoss, from log-probabilities `logp`. */
export function classLoss(name: string, logp: Tensor, target: ClassTarget, options: NllLossOptions, smoothing = 0): Tensor {
  const reduction = checkReduction(name, options.reduction);
  const { ignoreIndex = -100, axis = -1 } = options;
  const a = classAxis(name, logp, axis);
  if (!(smoothing >= 0 && smoothing <= 1)) throw new ValueError(`${name}: labelSmoothing must be in [0, 1], got ${smoothing}`);
  const classes = logp.shape[a]!;
  const batch = logp.shape.filter((_, i) => i !== a);
  // Work with the class axis last; transpose is differentiable, so gradients land in the caller's layout.
  const perm = [...batch.keys()].map((i) => (i < a ? i : i + 1)).concat(a);
  const last = (t: Tensor) => (a === logp.rank - 1 ? t : transpose(t, perm));
  const lp = last(logp);
  if (target instanceof Tensor && target.rank === logp.rank) {
    if (target.shape.some((d, i) => d !== logp.shape[i])) throw mismatch(name, logp.shape, target.shape, a);
    sameDType(name, ['input', logp], ['target', target]);
    const y = smoothing > 0 ? add(mul(last(target), 1 - smoothing), smoothing / classes) : last(target);
    return reduce(neg(sum(mul(lp, y), -1)), reduction);
  }
  const { values, shape } = flatTarget(target);
  if (shape.length !== batch.length || shape.some((d, i) => d !== batch[i])) throw mismatch(name, logp.shape, shape, a);
  const index = new Int32Array(values.length);
  const keep = new Float64Array(values.length);
  let count = 0;
  for (let n = 0; n < values.length; n++) {
    const c = values[n]!;
    if (c === ignoreIndex) continue;
    if (!Number.isInteger(c) || c < 0 || c >= classes) {
      const problem = Number.isInteger(c) ? `is out of range for ${classes} classes` : 'is not a whole number';
      throw new ValueError(`${name}: class index ${c} at target position ${n} ${problem} (input ${fmt(logp.shape)}, target ${fmt(shape)})`);
    }
    index[n] = n * classes + c;
    keep[n] = 1;
    count++;
  }
  // Picking log p[n, target[n]] from the flattened input is one gather, whose backward is a scatter: O(N), not O(N·C).
  let loss = neg(reshape(gather(reshape(lp, [values.length * classes]), index), batch));
  if (smoothing > 0) loss = add(mul(loss, 1 - smoothing), mul(neg(mean(lp, -1)), smoothing));
  if (count < values.length) loss = where(tensor(keep, { shape: batch, dtype: logp.dtype }), loss, 0);
  return reduce(loss, reduction, reduction === 'mean' ? count : undefined);
}

/** The class axis, normalized, or a ShapeError naming the loss and the input shape. */
export function classAxis(name: string, input: Tensor, axis = -1): number {
  if (input.rank === 0) throw new ShapeError(`${name}: input must have a class axis, got a scalar`);
  if (!Number.isInteger(axis) || axis < -input.rank || axis >= input.rank) {
    throw new ShapeError(`${name}: class axis ${axis} is out of range for input ${fmt(input.shape)}`);
  }
  return axis < 0 ? axis + input.rank : axis;
}

function flatTarget(target: ClassTarget): { values: ArrayLike<number>; shape: readonly number[] } {
  if (target instanceof Tensor) return { values: target.data, shape: target.shape };
  if (target instanceof Int32Array) return { values: target, shape: [target.length] };
  const t = tensor(target as NestedArray, { dtype: 'float64' });
  return { values: t.data, shape: t.shape };
}

function mismatch(name: string, input: readonly number[], target: readonly number[], axis: number): ShapeError {
  const indices = input.filter((_, i) => i !== axis);
  return new ShapeError(
    `${name}: target ${fmt(target)} does not fit input ${fmt(input)}: class indices need shape ${fmt(indices)} ` +
      `(the input without class axis ${axis}), class probabilities need ${fmt(input)}`,
  );
}
