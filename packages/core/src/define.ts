import type { FloatArray, Kernels, Shape } from '@loom/ops';
import { kernelsFor } from '@loom/ops';
import { isGradEnabled } from './autodiff/mode.js';
import type { CheckRow, OpInfo } from './check.js';
import { Tensor } from './tensor.js';
import type { Placement } from './autodiff/placement.js';
import type { ProductGradient } from './autodiff/product-gradient.js';
import { inspection, observeForward } from './graph/hooks.js';
import type { Node } from './autodiff/node.js';
import { savedInputs } from './autodiff/stub.js';

/** What a primitive's `forward` returns: the new elements and their shape. */
export interface Raw {
  /** The output's elements, row-major, in the inputs' dtype. */
  readonly data: FloatArray;
  /** The output's shape. */
  readonly shape: Shape;
}

/** What a primitive's `prepare` returns: the tensor inputs (differentiated) and the plain attributes (not). */
export interface Prepared<A> {
  /** Tensor arguments, in order; gradients flow to these. */
  readonly inputs: Tensor[];
  /** Everything else the op needs (axes, shapes, flags), checked and normalized. */
  readonly attrs: A;
}

/** What a backward rule sees. */
export interface BackwardContext<A> {
  /** The op's tensor inputs, as given to forward. */
  readonly inputs: readonly Tensor[];
  /** The op's output. */
  readonly out: Tensor;
  /** The op's attributes, as `prepare` made them. */
  readonly attrs: A;
  /** `needs[i]` is false when nobody wants the gradient of input i, so the rule may skip computing it. */
  readonly needs: readonly boolean[];
}

/**
 * One gradient per input: a Tensor, a {@link Placement} (a gradient that is zero outside a box), a
 * {@link ProductGradient} (a matrix product the tape may merge with others), or `null` for an input the op does not
 * differentiate (or did not need).
 */
export type InputGrads = readonly (Tensor | Placement | ProductGradient | null)[];

/** The record that defines a primitive: an op with its own backward rule. */
export interface PrimitiveSpec<P extends unknown[], A> {
  /** For messages and graph dumps; never a lookup key. */
  readonly name: string;
  /** Checks and converts the user's arguments. Throw ShapeError/DTypeError/ValueError naming `op` here. */
  readonly prepare: (op: string, ...args: P) => Prepared<A>;
  /** Computes the output with the kernels of the inputs' dtype. */
  readonly forward: (k: Kernels, inputs: readonly Tensor[], attrs: A) => Raw;
  /**
   * Gradients of the inputs given the output's gradient `gy`, built only from differentiable ops so that the
   * rule can be differentiated again. A gradient may keep `out`'s broadcast shape: the tape reduces it.
   */
  readonly backward: (gy: Tensor, ctx: BackwardContext<A>) => InputGrads;
  /**
   * What `backward` reads beyond shapes and dtypes: the positions of the inputs whose elements it uses, and whether
   * it uses the output's. The tape keeps only these alive until the backward pass; an input left out reaches the
   * rule as a stand-in with the right shape and dtype whose elements throw when read. Leave `saves` out to keep
   * everything (always correct, but intermediates then live until the graph is dropped).
   */
  readonly saves?: Saves;
  /** This op's row of the gradient-check table. */
  readonly check: CheckRow;
}

/** See {@link PrimitiveSpec.saves}. */
export interface Saves {
  /** Positions of the inputs whose elements the backward rule reads (none when left out). */
  readonly inputs?: readonly number[];
  /** Whether the backward rule reads the output's elements. */
  readonly output?: boolean;
}

/** A primitive as the tape sees it. */
export interface Primitive<A> {
  readonly name: string;
  readonly backward: PrimitiveSpec<unknown[], A>['backward'];
  /** See {@link PrimitiveSpec.saves}; `undefined` keeps every input and the output. */
  readonly saves?: Saves | undefined;
  /**
   * Whether the rule keeps nothing it is given or returns, so a backward sweep may reuse the memory of those
   * gradients once it has consumed them. True only for loom's own ops; a user's rule may keep `gy` (say, in a log).
   */
  readonly keepsNothing: boolean;
}

/**
 * Defines a primitive op from its record. The result is the user-facing function; calling it runs `forward`
 * and, when recording and any input requires gradients, puts one node on the tape. Its backward rule may keep
 * what it is given or returns (a log of `gy`, say): the tape never reuses the memory of those gradients.
 */
export function definePrimitive<P extends unknown[], A>(spec: PrimitiveSpec<P, A>): ((...args: P) => Tensor) & OpInfo {
  return define(spec, false);
}

/**
 * {@link definePrimitive} for loom's own ops, whose rules only call ops and keep nothing, so that a backward sweep
 * may reuse the memory of the gradients they consume (see recycle.ts). Not exported: a user's
 * rule may keep what it sees, and the sweep then leaves that memory alone.
 */
export function defineCorePrimitive<P extends unknown[], A>(spec: PrimitiveSpec<P, A>): ((...args: P) => Tensor) & OpInfo {
  return define(spec, true);
}

function define<P extends unknown[], A>(spec: PrimitiveSpec<P, A>, keepsNothing: boolean): ((...args: P) => Tensor) & OpInfo {
  const prim: Primitive<A> = { name: spec.name, backward: spec.backward, saves: spec.saves, keepsNothing };
  const op = (...args: P): Tensor => {
    const { inputs, attrs } = spec.prepare(spec.name, ...args);
    return applyPrimitive(prim, spec.forward, inputs, attrs);
  };
  return Object.assign(op, { opName: spec.name, check: spec.check });
}

/** Runs a forward and records it; shared by every primitive so the recording rule lives in one place. */
export function applyPrimitive<A>(
  prim: Primitive<A>,
  forward: PrimitiveSpec<unknown[], A>['forward'],
  inputs: readonly Tensor[],
  attrs: A,
): Tensor {
  const first = inputs[0]!;
  const raw = forward(kernelsFor(first.dtype), inputs, attrs);
  const record = isGradEnabled() && inputs.some((t) => t.requiresGrad);
  const saves = prim.saves;
  const node: Node | null = record ? { prim, inputs: saves ? savedInputs(inputs, saves) : inputs, attrs, out: null } : null;
  const out = new Tensor(raw.data, raw.shape, node);
  if (node !== null && (saves === undefined || saves.output === true)) node.out = out;
  if (inspection.active) observeForward(prim, inputs, out);
  return out;
}

/**
 * Marks a plain function of ops as a composite op: it needs no backward rule (the tape sees the ops inside) but
 * gets a name and a row in the gradient-check table like every op.
 *
 * @typeParam F - the function's own signature, kept as is.
 */
export function defineComposite<F extends (...args: never[]) => Tensor | Tensor[]>(name: string, fn: F, check: CheckRow): F & OpInfo {
  return Object.assign(fn, { opName: name, check });
}
