import { broadcastShapes } from '@loom/ops';
import type { InputGrads } from '../define.js';
import { sameShape } from '../convert.js';
import { GradError, fmtShape } from '../errors.js';
import { add } from '../ops/binary/add.js';
import { GradientSum, type Gradient } from './gradient-sum.js';
import { Placement } from './placement.js';
import { ProductGradient } from './product-gradient.js';
import { sumTo } from '../ops/reduce/sum-to.js';
import { onesLike } from '../creation.js';
import { Tensor } from '../tensor.js';
import { nestedInTrace, withGradMode } from './mode.js';
import { backwardInspected, inspection } from '../graph/hooks.js';
import { vertexOf, type Vertex } from './node.js';
import { isTracked, withRecycler, type Recycler } from '../recycle.js';

/**
 * Reverse-mode sweep over the tape from `roots`, seeded with `seeds`, returning the gradient of every tensor it
 * reached that is a target (or, with `targets` null, a leaf).
 *
 * The sweep never descends past a target, so an inner `grad` stops at its own inputs and treats tensors from an
 * enclosing transform as constants. Gradients are accumulated with `add` and broadcast gradients reduced with
 * `sumTo` here, in one place, so backward rules stay one line. With `createGraph`, all of this is recorded too.
 *
 * A sweep that is not recorded (and not inspected) reuses the memory of gradients it has consumed: each gradient
 * is held while it is stored (see GradientSum), and memory made during the sweep whose last holder lets go serves
 * the next allocations (see recycle.ts). What a user's rule sees is pinned instead; what the sweep returns keeps
 * its holder.
 */
export function propagate(
  roots: readonly Tensor[],
  seeds: readonly Tensor[],
  targets: readonly Tensor[] | null,
  createGraph: boolean,
): Map<Vertex, Tensor> {
  const targetSet = targets === null ? null : new Set(targets.map(vertexOf));
  const isTarget = targetSet === null ? (t: Tensor) => t.node === null : (t: Tensor) => targetSet.has(vertexOf(t));
  const order = topologicalOrder(roots, isTarget);
  const reaches = targets === null ? null : reachesTargets(order, isTarget);
  return withRecycler(!createGraph && !inspection.active, (recycler) =>
    withGradMode(createGraph, () => {
      const grads = new GradientSum(createGraph, recycler);
      roots.forEach((root, i) => grads.add(root, seeds[i]!));
      for (let i = order.length - 1; i >= 0; i--) {
        const t = order[i]!;
        const gy = grads.get(t);
        if (gy === undefined || isTarget(t) || t.node === null) continue;
        grads.delete(t); // free intermediate gradients as soon as they are consumed
        const { prim, inputs, attrs } = t.node;
        const out = t.node.out ?? t; // t may be a stub; the record keeps the real output when the rule reads it
        // Plain loops: this runs once per recorded op, so it is the tape's own overhead.
        const needs: boolean[] = new Array(inputs.length);
        for (let j = 0; j < inputs.length; j++)
          needs[j] = inputs[j]!.requiresGrad && (reaches === null || reaches.has(vertexOf(inputs[j]!)));
        const inputGrads = inspection.active ? backwardInspected(out, gy, needs) : prim.backward(gy, { inputs, out, attrs, needs });
        for (let j = 0; j < inputs.length; j++) {
          const g = inputGrads[j];
          if (needs[j] && g) grads.add(inputs[j]!, fitGradient(prim.name, j, g, inputs[j]!));
        }
        if (recycler !== null) consumed(recycler, prim.keepsNothing, gy, inputGrads);
      }
      const result = grads.entries();
      recycler?.flush(); // the merged products' stacks, made just now
      return result;
    }),
  );
}

/**
 * After a rule has run and its results are stored: `gy` loses the holder it had in its slot, and results that
 * nothing stored (say, added in place into a sum) are spare at once. A user's rule may keep any of them: pinned.
 */
function consumed(recycler: Recycler, keepsNothing: boolean, gy: Tensor, results: InputGrads): void {
  for (const g of results) {
    if (g === null) continue;
    if (g instanceof ProductGradient) {
      // Its factors are held while the product waits, and let go of once it is made.
      if (!keepsNothing) [g.left.data, g.right.data].forEach((f) => recycler.pin(f));
      continue;
    }
    const data = g instanceof Placement ? g.grad.data : g.data;
    if (!isTracked(data.byteLength)) continue; // most arrays of an overhead-bound step: no call for them
    if (keepsNothing) recycler.recycle(data);
    else recycler.pin(data);
  }
  if (isTracked(gy.data.byteLength)) {
    if (keepsNothing) recycler.drop(gy.data);
    else recycler.pin(gy.data);
  }
  recycler.flush();
}

/** Implements `Tensor.backward`: accumulates into `.grad` of every leaf that requires gradients. */
export function backward(root: Tensor, seed: Tensor | undefined, createGraph: boolean): void {
  if (!root.requiresGrad) {
    throw new GradError(
      'backward: this tensor does not require gradients (set requiresGrad on a leaf it depends on, and do not call it inside noGrad)',
    );
  }
  if (seed === undefined && root.size !== 1) {
    throw new GradError(
      `backward: an implicit gradient needs a one-element tensor; got shape ${fmtShape(root.shape)}, so pass a gradient of that shape`,
    );
  }
  if (seed !== undefined && (seed.dtype !== root.dtype || !sameShape(seed.shape, root.shape))) {
    throw new GradError(
      `backward: gradient has ${seed.dtype} ${fmtShape(seed.shape)} but the tensor is ${root.dtype} ${fmtShape(root.shape)}`,
    );
  }
  const record = createGraph || nestedInTrace();
  const grads = propagate([root], [seed ?? onesLike(root)], null, record);
  withGradMode(record, () => {
    for (const [leaf, g] of grads) {
      if (leaf instanceof Tensor && leaf.node === null && leaf.requiresGrad) leaf.grad = leaf.grad === null ? g : add(leaf.grad, g);
    }
  });
}

/** Reduces a broadcast gradient to its input's shape, and catches a rule that returns the wrong shape or dtype. */
function fitGradient(op: string, index: number, g: Gradient, x: Tensor): Gradient {
  if (g instanceof Placement || g instanceof ProductGradient) {
    const dtype = g instanceof Placement ? g.grad.dtype : g.left.dtype;
    if (dtype !== x.dtype || !sameShape(g.shape, x.shape)) {
      throw new GradError(
        `${op} backward: the ${g instanceof Placement ? 'placed' : 'product'} gradient for input ${index} is ${dtype} ${fmtShape(g.shape)}, but the input is ${x.dtype} ${fmtShape(x.shape)}`,
      );
    }
    return g;
  }
  if (g.dtype === x.dtype && sameShape(g.shape, x.shape)) return g; // the usual case, checked without allocating
  const broadcast = broadcastShapes(x.shape, g.shape);
  const reducible = broadcast !== null && sameShape(broadcast, g.shape);
  if (g.dtype !== x.dtype || !reducible) {
    throw new GradError(
      `${op} backward: gradient of input ${index} is ${g.dtype} ${fmtShape(g.shape)}, but the input is ${x.dtype} ${fmtShape(x.shape)}: the backward rule must return the input's dtype and its shape (or a broadcast of it)`,
    );
  }
  return sumTo(g, x.shape);
}

/** Tensors that require gradients reachable from `roots`, inputs before outputs, stopping at targets. */
function topologicalOrder(roots: readonly Tensor[], isTarget: (t: Tensor) => boolean): Tensor[] {
  const order: Tensor[] = [];
  const seen = new Set<Vertex>();
  // An explicit stack, not recursion: an unrolled sequence is thousands of nodes deep. A tensor is pushed once to
  // expand its inputs and once more (flagged in `done`) to be emitted after them; two arrays, no record per entry.
  const stack: Tensor[] = [];
  const done: boolean[] = [];
  const push = (t: Tensor, emit: boolean) => {
    stack.push(t);
    done.push(emit);
  };
  for (const r of roots) if (r.requiresGrad) push(r, false);
  while (stack.length > 0) {
    const t = stack.pop()!;
    if (done.pop()!) {
      order.push(t);
      continue;
    }
    const v = vertexOf(t);
    if (seen.has(v)) continue;
    seen.add(v);
    push(t, true);
    if (t.node === null || isTarget(t)) continue;
    for (const x of t.node.inputs) if (x.requiresGrad && !seen.has(vertexOf(x))) push(x, false);
  }
  return order;
}

/** The tensors in `order` from which some target can be reached. */
function reachesTargets(order: readonly Tensor[], isTarget: (t: Tensor) => boolean): Set<Vertex> {
  const reaches = new Set<Vertex>();
  for (const t of order) {
    if (isTarget(t) || (t.node !== null && t.node.inputs.some((x) => reaches.has(vertexOf(x))))) reaches.add(vertexOf(t));
  }
  return reaches;
}
