import { vertexOf, type Vertex } from '../autodiff/node.js';
import type { BackwardContext, InputGrads } from '../define.js';
import type { Tensor } from '../tensor.js';

/**
 * Where a time step of a sequence layer runs: the layer object, its name for messages (`Recurrent(LSTMCell)`) and
 * the step's index in input order.
 */
export interface StepScope {
  /** The layer that runs the step (e.g. a `Recurrent`), to tell two layers with the same name apart. */
  readonly owner: object;
  /** The layer's name, as error messages print it. */
  readonly layer: string;
  /** The time step, in input order (also for layers that run in reverse). */
  readonly t: number;
}

/** @internal Where an op's output was made: the op, the time step, and (in anomaly mode) the call stack. */
export interface Origin {
  readonly op: string;
  readonly step: StepScope | null;
  readonly stack: Error | null;
}

/** @internal Something that watches every op while it is installed: anomaly mode, the graph recorder. */
export interface Inspector {
  /** Capture a call stack for every op (costly; anomaly mode only). */
  readonly stacks?: boolean;
  /** Called after a primitive's forward; not for the ops a backward rule runs. */
  forward?(out: Tensor, inputs: readonly Tensor[], origin: Origin): void;
  /** Called around a backward rule: first with the incoming gradient, then with the rule's result. */
  backward?(out: Tensor, origin: Origin | undefined, gy: Tensor, grads: InputGrads | null): void;
}

/**
 * @internal The one flag every op reads. False unless an inspector or a step tap is installed, so that switched
 * off, inspection costs one property read per op and per time step.
 */
export const inspection = { active: false };

const inspectors: Inspector[] = [];
const taps: ((scope: StepScope, result: unknown) => unknown)[] = [];
const origins = new WeakMap<Vertex, Origin>();
let current: StepScope | null = null;
let inBackwardRule = 0;

function refresh(): void {
  inspection.active = inspectors.length > 0 || taps.length > 0;
}

/** @internal Runs `fn` with `inspector` installed, removing it afterwards even on a throw. */
export function withInspector<T>(inspector: Inspector, fn: () => T): T {
  inspectors.push(inspector);
  refresh();
  try {
    return fn();
  } finally {
    inspectors.splice(inspectors.lastIndexOf(inspector), 1);
    refresh();
  }
}

/** @internal Where `t` was made, if it was made by an op while inspection was on. */
export function originOf(t: Tensor): Origin | undefined {
  return origins.get(vertexOf(t));
}

/** @internal Called by `applyPrimitive` (only while inspection is on) for every op's output. */
export function observeForward(prim: { readonly name: string }, inputs: readonly Tensor[], out: Tensor): void {
  // The ops inside a backward rule belong to that rule; anomaly mode checks the rule's result instead.
  if (inBackwardRule > 0 || inspectors.length === 0) return;
  const stack = inspectors.some((i) => i.stacks === true) ? new Error('created here') : null;
  const origin: Origin = { op: prim.name, step: current, stack };
  origins.set(vertexOf(out), origin);
  for (const i of inspectors) i.forward?.(out, inputs, origin);
}

/** @internal Runs `out`'s backward rule under the inspectors (only while inspection is on). */
export function backwardInspected(out: Tensor, gy: Tensor, needs: readonly boolean[]): InputGrads {
  const node = out.node!;
  const ctx: BackwardContext<unknown> = { inputs: node.inputs, out, attrs: node.attrs, needs };
  const origin = origins.get(vertexOf(out));
  for (const i of inspectors) i.backward?.(out, origin, gy, null);
  inBackwardRule += 1;
  let grads: InputGrads;
  try {
    grads = node.prim.backward(gy, ctx);
  } finally {
    inBackwardRule -= 1;
  }
  for (const i of inspectors) i.backward?.(out, origin, gy, grads);
  return grads;
}

/** The time step whose ops are running now (innermost), or null outside any step or when nothing inspects. */
export function currentTimeStep(): StepScope | null {
  return current;
}

/**
 * Runs one time step of a sequence layer, labelling the ops inside with the step: anomaly mode names it in its
 * errors and graph exports group the step's ops into a cluster. `Recurrent` calls it for every step; a
 * hand-written time loop may call it too. When nothing inspects, it is a plain call of `fn`.
 *
 * @param owner - the layer running the step (identifies it for {@link withStepTap}).
 * @param layer - the layer's name for messages, e.g. `Recurrent(LSTMCell)`.
 * @param t - the step's index in input order.
 *
 * @example
 * ```ts
 * for (let t = 0; t < T; t++) [y, h] = timeStep(this, 'MyLoop', t, () => cell.step(xs[t], h));
 * ```
 */
export function timeStep<T>(owner: object, layer: string, t: number, fn: () => T): T {
  if (!inspection.active) return fn();
  const outer = current;
  const scope: StepScope = { owner, layer, t };
  current = scope;
  try {
    let result = fn();
    for (const tap of taps) result = tap(scope, result) as T;
    return result;
  } finally {
    current = outer;
  }
}

/**
 * Runs `fn` with `tap` applied to the result of every {@link timeStep} inside it: the tap sees the step's scope
 * and what the step returned (for `Recurrent`, `[output, nextState]`), and returns what the layer continues with.
 * Inspection tools use it to watch per-step states, e.g. adding a zero probe whose gradient is ∂L/∂h_t.
 *
 * @example
 * ```ts
 * const seen: number[] = [];
 * withStepTap((scope, r) => (seen.push(scope.t), r), () => rnn.forward(x)); // seen: [0, 1, …, T−1]
 * ```
 */
export function withStepTap<T>(tap: (scope: StepScope, result: unknown) => unknown, fn: () => T): T {
  taps.push(tap);
  refresh();
  try {
    return fn();
  } finally {
    taps.splice(taps.lastIndexOf(tap), 1);
    refresh();
  }
}
