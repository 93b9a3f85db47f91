import { kernelsFor, sizeOf, stridesOf, type FloatArray, type Kernels } from '@loom/ops';
import type { DType } from '@loom/ops';
import { vertexOf, type Vertex } from './node.js';
import { alloc } from '../convert.js';
import { allocUnset } from '../memory.js';
import type { Recycler } from '../recycle.js';
import { zeros } from '../creation.js';
import { add } from '../ops/binary/add.js';
import { matmul } from '../ops/linalg/matmul.js';
import { concat } from '../ops/shape/concat.js';
import { pad } from '../ops/shape/pad.js';
import { Tensor } from '../tensor.js';
import { cutAxis, Placement, PlacedBoxes, SEVERAL, WHOLE } from './placement.js';
import { ProductGradient } from './product-gradient.js';

/** What a backward rule may hand the tape for one input. */
export type Gradient = Tensor | Placement | ProductGradient;

/**
 * The running sum of gradients per tensor during one backward sweep.
 *
 * When the sweep is recorded (`createGraph`), every sum is an `add` op, so it can be differentiated. Otherwise the
 * sums are plain numbers: a buffer this sweep allocated itself is added into in place, a {@link Placement} is
 * added into its box without ever materializing the zeros around it, and the {@link ProductGradient}s of one
 * tensor wait until its gradient is read, then become one product over all their rows.
 *
 * With a {@link Recycler}, every gradient stored here (a sum, a pending product's factors) is one holder of its
 * memory, and memory this class made for itself and let go of is handed back at once; see `propagate` for the rest.
 */
export class GradientSum {
  private readonly sums = new Map<Vertex, Tensor>();
  /** Buffers allocated here, which nobody else holds, so in-place adds are safe. */
  private readonly owned = new Set<Tensor>();
  /** Products not yet computed, per tensor; read by `get` and `entries`, which add them in. */
  private readonly pending = new Map<Vertex, ProductGradient[]>();
  /** Recorded sweeps only: placements per tensor, made dense together (see {@link placedSum}) when read. */
  private readonly placed = new Map<Vertex, Placement[]>();
  /** For owned buffers that began as zeros and have only had placements: the boxes placed so far. */
  private readonly zeroBoxes = new Map<Tensor, PlacedBoxes>();

  constructor(
    private readonly recorded: boolean,
    private readonly recycler: Recycler | null = null,
  ) {}

  /** Adds `g` to the gradient of `t`. */
  add(t: Tensor, g: Gradient): void {
    this.addAt(vertexOf(t), t.dtype, g);
  }

  private addAt(v: Vertex, dtype: DType, g: Gradient): void {
    if (g instanceof ProductGradient) {
      if (!this.recorded) {
        const list = this.pending.get(v);
        if (list === undefined) this.pending.set(v, [g]);
        else list.push(g);
        this.recycler?.hold(g.left.data);
        this.recycler?.hold(g.right.data);
        return;
      }
      g = matmul(g.left, g.right, { transposeA: true });
    }
    const previous = this.sums.get(v);
    if (this.recorded) {
      if (g instanceof Placement) {
        const list = this.placed.get(v);
        if (list === undefined) this.placed.set(v, [g]);
        else list.push(g);
      } else this.sums.set(v, previous === undefined ? g : add(previous, g));
      return;
    }
    if (g instanceof Placement) {
      const fresh = previous === undefined;
      const target = previous !== undefined && this.owned.has(previous) ? previous : this.own(previous, g.shape, dtype, v);
      // Boxes placed into zeros that no other box has touched (the pieces of a split) are copied, not added.
      const placed = fresh ? this.zeroBoxes.set(target, new PlacedBoxes()).get(target) : this.zeroBoxes.get(target);
      if (placed !== undefined && placed.tryAdd(g)) {
        copyInto(target, g);
      } else {
        this.zeroBoxes.delete(target);
        addInto(target, g, this.recycler);
      }
    } else if (previous === undefined) {
      this.sums.set(v, g);
      this.recycler?.hold(g.data);
    } else if (this.owned.has(previous) && previous.size === g.size) {
      const k: Kernels = kernelsFor(previous.dtype);
      k.add(previous.data, previous.shape, g.data, g.shape, previous.data, previous.shape);
      this.zeroBoxes.delete(previous);
    } else {
      this.keep(v, add(previous, g));
      this.recycler?.drop(previous.data);
    }
  }

  /** The gradient of `t` so far, if any. */
  get(t: Tensor): Tensor | undefined {
    const v = vertexOf(t);
    this.settle(v, t.dtype);
    return this.sums.get(v);
  }

  /** Adds in what waits for `v`: products not yet computed, and (recorded) boxes not yet made dense. */
  private settle(v: Vertex, dtype: DType): void {
    const products = this.pending.get(v);
    if (products !== undefined) {
      this.pending.delete(v);
      this.addAt(v, dtype, productSum(products, this.recycler));
      for (const p of products) {
        this.recycler?.drop(p.left.data);
        this.recycler?.drop(p.right.data);
      }
    }
    const boxes = this.placed.get(v);
    if (boxes !== undefined) {
      this.placed.delete(v);
      this.addAt(v, dtype, placedSum(boxes, dtype));
    }
  }

  /**
   * Forgets `t`'s gradient as it is consumed, so its memory can go. Its hold on a {@link Recycler} passes to the
   * caller, which lets go once the consuming rule has run.
   */
  delete(t: Tensor): void {
    const v = vertexOf(t);
    const g = this.sums.get(v);
    if (g !== undefined) {
      this.owned.delete(g);
      this.zeroBoxes.delete(g);
    }
    this.sums.delete(v);
  }

  /** Every gradient, by tensor. */
  entries(): Map<Vertex, Tensor> {
    for (const [v, products] of [...this.pending]) this.settle(v, products[0]!.left.dtype);
    for (const [v, boxes] of [...this.placed]) this.settle(v, boxes[0]!.grad.dtype);
    return this.sums;
  }

  /** A buffer of `shape` for `t` that this sweep owns: a copy of `previous`, or zeros. */
  private own(previous: Tensor | undefined, shape: readonly number[], dtype: DType, v: Vertex): Tensor {
    if (previous === undefined) return this.keep(v, new Tensor(alloc(dtype, sizeOf(shape)), shape));
    const data: FloatArray = allocUnset(dtype, previous.size);
    data.set(previous.data);
    const mine = this.keep(v, new Tensor(data, shape));
    this.recycler?.drop(previous.data);
    return mine;
  }

  private keep(v: Vertex, g: Tensor): Tensor {
    this.sums.set(v, g);
    this.owned.add(g);
    this.recycler?.hold(g.data);
    return g;
  }
}

/** Σᵢ leftᵢᵀ · rightᵢ as one product: the factors' rows stacked, so the product's inner size is all the rows. */
function productSum(products: readonly ProductGradient[], recycler: Recycler | null): Tensor {
  if (products.length === 1) return matmul(products[0]!.left, products[0]!.right, { transposeA: true });
  const lefts = concat(
    products.map((p) => p.left),
    0,
  );
  const rights = concat(
    products.map((p) => p.right),
    0,
  );
  const sum = matmul(lefts, rights, { transposeA: true });
  recycler?.recycle(lefts.data);
  recycler?.recycle(rights.data);
  return sum;
}

/** Whether two placements' boxes share an element. */
/**
 * The dense sum of placements, as differentiable ops. Boxes that are whole on every axis but one and do not overlap
 * there (the pieces of a split, the steps of a sequence) become one `concat`, with zeros in any gaps: one op, where
 * padding each box to full size and adding them up costs a full-size tensor per box.
 */
function placedSum(boxes: readonly Placement[], dtype: DType): Tensor {
  const shape = boxes[0]!.shape;
  const axis = splitAxis(boxes);
  const padded = () =>
    boxes
      .map((p) =>
        pad(
          p.grad,
          p.start.map((s, i) => [s, shape[i]! - s - p.grad.shape[i]!] as const),
        ),
      )
      .reduce((sum, g) => add(sum, g));
  if (axis < 0) return padded();
  const gap = (from: number, to: number) =>
    zeros(
      shape.map((d, i) => (i === axis ? to - from : d)),
      { dtype },
    );
  const pieces: Tensor[] = [];
  let at = 0;
  for (const p of [...boxes].sort((a, b) => a.start[axis]! - b.start[axis]!)) {
    const begin = p.start[axis]!;
    if (begin < at) return padded(); // overlapping boxes add up
    if (begin > at) pieces.push(gap(at, begin));
    pieces.push(p.grad);
    at = begin + p.grad.shape[axis]!;
  }
  if (at < shape[axis]!) pieces.push(gap(at, shape[axis]!));
  return pieces.length === 1 ? pieces[0]! : concat(pieces, axis);
}

/** The one axis on which some box is not whole, if every box is whole on all the others; −1 if there is none. */
function splitAxis(boxes: readonly Placement[]): number {
  let axis = WHOLE;
  for (const p of boxes) {
    const cut = cutAxis(p);
    if (cut === SEVERAL || (cut !== WHOLE && axis !== WHOLE && cut !== axis)) return -1;
    if (cut !== WHOLE) axis = cut;
  }
  if (axis !== WHOLE) return axis;
  return boxes[0]!.shape.length > 0 ? 0 : -1;
}

/** target[box] = placement.grad, in place, for a box that holds zeros. */
function copyInto(target: Tensor, p: Placement): void {
  const strides = stridesOf(target.shape);
  const box = { offset: p.start.reduce((o, s, i) => o + s * strides[i]!, 0), strides };
  const k: Kernels = kernelsFor(target.dtype);
  k.copy(p.grad.data, { offset: 0, strides: stridesOf(p.grad.shape) }, target.data, box, p.grad.shape);
}

/** target[box] += placement.grad, in place, through the strided copy kernel. */
function addInto(target: Tensor, p: Placement, recycler: Recycler | null): void {
  const k: Kernels = kernelsFor(target.dtype);
  const strides = stridesOf(target.shape);
  const box = { offset: p.start.reduce((o, s, i) => o + s * strides[i]!, 0), strides };
  const dense = { offset: 0, strides: stridesOf(p.grad.shape) };
  const part = alloc(target.dtype, p.grad.size);
  k.copy(target.data, box, part, dense, p.grad.shape);
  k.add(part, p.grad.shape, p.grad.data, p.grad.shape, part, p.grad.shape);
  k.copy(part, dense, target.data, box, p.grad.shape);
  recycler?.recycle(part);
}
