import { ShapeError, Tensor, ValueError, argmax, noGrad, tensor, type NestedArray } from '@loom/core';
import type { ClassTarget } from '../losses/_class-loss.js';
import type { Metric, MetricValue } from './types.js';

/** Options of {@link accuracy}. */
export interface AccuracyOptions {
  /** Targets equal to this (padding) are not counted. Default −100, as `crossEntropy`'s `ignoreIndex`. */
  readonly ignoreIndex?: number;
}

/**
 * Classification accuracy from scores: the fraction of counted targets whose class is the arg-max of the scores
 * along the last axis. Targets equal to `ignoreIndex` (padding) are left out of both counts, so a padded tagging
 * batch is scored on its real tokens only; the epoch value is Σ correct / Σ counted over all batches.
 *
 * accuracy = Σₙ [tₙ ≠ ignore]·[argmax_c outputs[n, c] = tₙ] / Σₙ [tₙ ≠ ignore]
 *
 * Shapes: outputs [..., C] (scores or log-probabilities), targets [...] class indices (a Tensor, nested arrays or an
 * Int32Array, as `crossEntropy` takes them).
 *
 * @throws ShapeError when the targets do not have the outputs' shape without the class axis.
 *
 * @example
 * ```ts
 * fit(model, loader, { optimizer, loss: crossEntropy, metrics: { accuracy: accuracy() }, epochs: 5 });
 * accuracy()(tensor([[0.1, 2], [3, 0]]), [1, 1]); // { total: 1, count: 2 }
 * ```
 */
export function accuracy(options: AccuracyOptions = {}): Metric<ClassTarget> {
  const { ignoreIndex = -100 } = options;
  return (outputs, targets) => {
    if (outputs.rank === 0) throw new ShapeError('accuracy: outputs must have a class axis, got a scalar');
    const want = outputs.shape.slice(0, -1);
    const { values, shape } = indices(targets);
    if (shape.length !== want.length || shape.some((d, i) => d !== want[i])) {
      throw new ShapeError(
        `accuracy: targets [${shape.join(',')}] do not fit outputs [${outputs.shape.join(',')}]: ` +
          `class indices need shape [${want.join(',')}] (the outputs without their last, class axis)`,
      );
    }
    const predicted = noGrad(() => argmax(outputs, -1)).data;
    let total = 0;
    let count = 0;
    for (let n = 0; n < values.length; n++) {
      if (values[n] === ignoreIndex) continue;
      count += 1;
      if (predicted[n] === values[n]) total += 1;
    }
    return { total, count };
  };
}

function indices(targets: ClassTarget): { values: ArrayLike<number>; shape: readonly number[] } {
  if (targets instanceof Tensor) return { values: targets.data, shape: targets.shape };
  if (targets instanceof Int32Array) return { values: targets, shape: [targets.length] };
  const t = tensor(targets as NestedArray, { dtype: 'float64' });
  return { values: t.data, shape: t.shape };
}

/** Running weighted averages of the loss and the metrics over one epoch. */
export class Averages {
  private readonly totals = new Map<string, { total: number; count: number }>();

  /** Adds one batch's value: a number weighs `size`, a pair adds its total and count. */
  add(name: string, value: MetricValue, size: number): void {
    const pair = typeof value === 'number' ? { total: value * size, count: size } : value;
    if (typeof pair !== 'object' || pair === null || typeof pair.total !== 'number' || typeof pair.count !== 'number') {
      throw new ValueError(`fit: metric '${name}' must return a number or { total, count }, got ${JSON.stringify(value)}`);
    }
    const entry = this.totals.get(name) ?? { total: 0, count: 0 };
    entry.total += pair.total;
    entry.count += pair.count;
    this.totals.set(name, entry);
  }

  /** Every average so far (NaN for a metric that counted nothing), names prefixed with `prefix`. */
  values(prefix = ''): Record<string, number> {
    return Object.fromEntries([...this.totals].map(([name, { total, count }]) => [prefix + name, total / count]));
  }
}
