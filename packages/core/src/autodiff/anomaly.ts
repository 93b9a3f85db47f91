import type { FloatArray } from '@loom/ops';
import { LoomError, fmtShape } from '../errors.js';
import { withInspector, type Inspector, type Origin, type StepScope } from '../graph/hooks.js';
import { Placement } from './placement.js';
import { ProductGradient } from './product-gradient.js';
import { matmul } from '../ops/linalg/matmul.js';
import { noGrad } from './mode.js';
import type { Tensor } from '../tensor.js';

/** What {@link AnomalyError} found, as data. */
export interface AnomalyDetails {
  /** `'forward'`: an op's output; `'backward'`: a gradient made by an op's backward rule (or flowing into it). */
  readonly phase: 'forward' | 'backward';
  /** The forward op: the one that produced the value, or the one whose backward rule produced the gradient. */
  readonly op: string;
  /** The first bad value: `NaN`, `Infinity` or `-Infinity`. */
  readonly value: number;
  /** The first user stack frame (`file:line:column`) where the op was called, when known. */
  readonly site: string | null;
  /** The time step the op ran in, when it ran inside a sequence layer. */
  readonly step: StepScope | null;
}

/**
 * Thrown by {@link detectAnomaly} at the first NaN or infinity an op produces, forward or backward. The message
 * names the op, the first bad element, where the op was called, and the time step inside a `Recurrent`.
 */
export class AnomalyError extends LoomError {
  /** Always `'AnomalyError'`, so logs show the class. */
  override name = 'AnomalyError';
  /** What was found, where; undefined only if the error was re-made from its message alone. */
  readonly details: AnomalyDetails | undefined;

  /** Made by {@link detectAnomaly}. */
  constructor(message: string, details?: AnomalyDetails) {
    super(message);
    this.details = details;
  }
}

/**
 * Runs `fn` in anomaly mode: every op's output, and every gradient a backward rule returns, is checked for NaN
 * and ±Infinity, and the first one throws an {@link AnomalyError}. Forward, it names the op that produced the
 * value; backward, the op whose rule produced the gradient (or, when the gradient flowing into a rule is already
 * bad, that it arrived so: a user's seed, or a sum that overflowed). Both name the user's line that called the op
 * (loom's own frames skipped) and the time step inside a `Recurrent`.
 *
 * Every op captures a stack trace while this runs, so it is slow: use it to find a NaN, not to train. Switched
 * off, the checks cost one boolean test per op. Forward, an infinity that a later `where` would discard (say
 * `log(0)` in the branch not taken) still counts: anomaly mode reports the first one made, as PyTorch does for
 * backward. Ops inside a backward rule are not checked one by one; the rule's result is.
 *
 * @example
 * ```ts
 * detectAnomaly(() => {
 *   const loss = sum(log(sub(x, 1))); // AnomalyError: detectAnomaly: forward op 'log' produced NaN …
 *   loss.backward();
 * });
 * ```
 */
export function detectAnomaly<T>(fn: () => T): T {
  const limit = Error.stackTraceLimit;
  // A cell's op sits 10 to 20 frames below the user's call; the default limit of 10 would cut the user's line off.
  Error.stackTraceLimit = Math.max(limit, 64);
  try {
    return withInspector(anomalyInspector, fn);
  } finally {
    Error.stackTraceLimit = limit;
  }
}

const anomalyInspector: Inspector = {
  stacks: true,
  forward(out, _inputs, origin) {
    const bad = firstNonFinite(out.data);
    if (bad >= 0) {
      throw anomaly('forward', origin, out.data[bad]!, `forward op '${origin.op}' produced ${out.data[bad]} at ${where(out, bad)}`);
    }
  },
  backward(out, origin, gy, grads) {
    const op = origin?.op ?? out.node!.prim.name;
    const o: Origin = origin ?? { op, step: null, stack: null };
    if (grads === null) {
      const bad = firstNonFinite(gy.data);
      if (bad >= 0) {
        const what = `the gradient flowing into the backward rule of '${op}' is already ${gy.data[bad]} at ${where(gy, bad)}`;
        throw anomaly('backward', o, gy.data[bad]!, `${what} (a bad seed gradient, or a sum of gradients that overflowed)`);
      }
      return;
    }
    grads.forEach((g, i) => {
      // A product gradient is multiplied out here (the tape would do it later), so its overflow is caught here too.
      const dense =
        g instanceof Placement ? g.grad : g instanceof ProductGradient ? noGrad(() => matmul(g.left, g.right, { transposeA: true })) : g;
      const bad = dense === null ? -1 : firstNonFinite(dense.data);
      if (dense !== null && bad >= 0) {
        const value = dense.data[bad]!;
        throw anomaly(
          'backward',
          o,
          value,
          `the backward rule of '${op}' produced ${value} in the gradient of input ${i}, at ${where(dense, bad)}`,
        );
      }
    });
  },
};

function anomaly(phase: 'forward' | 'backward', origin: Origin, value: number, what: string): AnomalyError {
  const site = origin.stack === null ? null : userFrame(origin.stack);
  const created = site === null ? '' : `; the op was called at ${site}`;
  // The same suffix as Recurrent's own errors, so Recurrent passes this error on unchanged.
  const step = origin.step === null ? '' : ` (in ${origin.step.layer} at time step ${origin.step.t})`;
  return new AnomalyError(`detectAnomaly: ${what}${created}${step}`, { phase, op: origin.op, value, site, step: origin.step });
}

/** `element 3 of [2,4]`. */
function where(t: Tensor, index: number): string {
  return t.rank === 0 ? 'the scalar' : `element ${index} of ${fmtShape(t.shape)}`;
}

/** Index of the first NaN or ±Infinity, or −1. */
function firstNonFinite(data: FloatArray): number {
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v - v !== 0) return i; // NaN − NaN and ∞ − ∞ are NaN; every finite v gives 0
  }
  return -1;
}

// Frames of loom itself (sources or builds, in this repository or installed) and of Node or the test runner.
const INTERNAL = /[\\/]packages[\\/](ops|core|layers)[\\/](src|dist)[\\/]|[\\/]node_modules[\\/]|\(node:|^\s*at node:|<anonymous>/;

/** @internal The first stack frame outside loom, as `path:line:column` relative to the working directory, or null. */
export function userFrame(error: Error): string | null {
  const lines = (error.stack ?? '').split('\n').slice(1);
  const frame = lines.find((l) => l.trim().startsWith('at ') && (!INTERNAL.test(l) || /\.test\.[cm]?[jt]s/.test(l)));
  if (frame === undefined) return null;
  const location = /\(([^()]+)\)\s*$/.exec(frame)?.[1] ?? frame.trim().slice(3);
  const cwd = typeof process === 'undefined' ? '' : `${process.cwd()}/`;
  return location.replace(/^file:\/\//, '').replace(cwd, '');
}
