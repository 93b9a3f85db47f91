import type { DType, FloatArray, Shape } from '@loom/ops';
import { sizeOf } from '@loom/ops';
import { backward as runBackward } from './autodiff/backward.js';
import type { Node } from './autodiff/node.js';
import { GradError, ValueError } from './errors.js';

/** Nested arrays of numbers as `toArray()` returns them: a number for a scalar, arrays of arrays otherwise. */
export type NestedArray = number | NestedArray[];

/** Options of {@link Tensor.backward}. */
export interface BackwardOptions {
  /** Record the backward pass on the tape too, so the `.grad` it writes can be differentiated again. */
  readonly createGraph?: boolean;
}

/**
 * An immutable n-dimensional array of float32 or float64 numbers, and a node of the define-by-run tape.
 *
 * Ops never change a tensor; they return new ones. A tensor made by an op from inputs that require gradients
 * remembers that op, which is how `grad` and {@link Tensor.backward} find their way back.
 *
 * @example
 * ```ts
 * const x = tensor([[1, 2], [3, 4]]);
 * x.shape;      // [2, 2]
 * x.toArray();  // [[1, 2], [3, 4]]
 * ```
 */
export class Tensor {
  /** Sizes of each axis, outermost first. `[]` is a scalar. */
  readonly shape: Shape;
  /** Element type: `'float32'` or `'float64'`. */
  readonly dtype: DType;
  /**
   * The elements in row-major order. Shared between tensors (reshape reuses it), so never write to it.
   * @internal
   */
  // `declare`: assigned in the constructor rather than defined as a field, so that a subclass (the tape's stubs)
  // can put an accessor in its place.
  declare data: FloatArray;
  /** @internal The op that made this tensor, with its inputs; `null` for a leaf. */
  readonly node: Node | null;
  /** Gradient accumulated here by {@link Tensor.backward}; `null` until then. Set it to `null` to clear it. */
  grad: Tensor | null = null;
  private wantsGrad: boolean;

  /** @internal Ops and creation functions make tensors; users call `tensor`, `zeros`, … */
  constructor(data: FloatArray, shape: Shape, node: Node | null = null, requiresGrad = node !== null) {
    this.data = data;
    // Shapes are shared freely between tensors, so each is frozen once; an op passing on a frozen one pays nothing.
    this.shape = Object.isFrozen(shape) ? shape : Object.freeze([...shape]);
    this.dtype = data instanceof Float32Array ? 'float32' : 'float64';
    this.node = node;
    this.wantsGrad = requiresGrad;
  }

  /** Number of axes. */
  get rank(): number {
    return this.shape.length;
  }

  /** Number of elements. */
  get size(): number {
    return this.data.length;
  }

  /**
   * Whether gradients flow to this tensor. Set it on a leaf you want `.grad` for; a tensor made by an op
   * requires gradients exactly when one of its inputs does.
   */
  get requiresGrad(): boolean {
    return this.wantsGrad;
  }

  /** Marks a leaf as wanting gradients (or not); throws GradError on a tensor made by an op. */
  set requiresGrad(value: boolean) {
    if (this.node !== null) {
      throw new GradError(
        `requiresGrad: can only be set on a leaf tensor; this one was made by '${this.node.prim.name}' (use stopGradient(x) for a leaf copy)`,
      );
    }
    this.wantsGrad = value;
  }

  /** The value of a one-element tensor as a number. */
  item(): number {
    if (this.size !== 1) {
      throw new ValueError(`item: needs a tensor with exactly one element, got shape [${this.shape.join(',')}] (${this.size} elements)`);
    }
    return this.data[0]!;
  }

  /** The elements as nested arrays, one level per axis (a number for a scalar). */
  toArray(): NestedArray {
    const build = (axis: number, offset: number): NestedArray => {
      if (axis === this.shape.length) return this.data[offset]!;
      const n = this.shape[axis]!;
      const step = sizeOf(this.shape.slice(axis + 1));
      return Array.from({ length: n }, (_, i) => build(axis + 1, offset + i * step));
    };
    return build(0, 0);
  }

  /** A fresh copy of the elements in row-major order; writing to it does not affect the tensor. */
  toTypedArray(): FloatArray {
    return this.data.slice();
  }

  /**
   * Backpropagates from this tensor and adds the gradients into `.grad` of every leaf that requires them
   * (PyTorch's `loss.backward()`). For a scalar the seed gradient is 1; otherwise pass `gradient`, shaped like
   * this tensor.
   *
   * @example
   * ```ts
   * const w = tensor([1, 2, 3]);
   * w.requiresGrad = true;
   * sum(square(w)).backward();
   * w.grad?.toArray(); // [2, 4, 6]
   * ```
   */
  backward(gradient?: Tensor, options: BackwardOptions = {}): void {
    runBackward(this, gradient, options.createGraph ?? false);
  }

  /** A short description with dtype, shape and (for small tensors) values. */
  toString(): string {
    const values = this.size <= 64 ? ` ${JSON.stringify(this.toArray())}` : '';
    return `Tensor(${this.dtype}, [${this.shape.join(',')}])${values}`;
  }
}
