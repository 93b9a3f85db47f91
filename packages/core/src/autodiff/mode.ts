let recording = true;
let traceDepth = 0;

/** Whether ops currently record themselves on the tape (false inside {@link noGrad}). */
export function isGradEnabled(): boolean {
  return recording;
}

/** Runs `fn` with recording switched on or off, restoring the previous mode afterwards, even on a throw. */
export function withGradMode<T>(on: boolean, fn: () => T): T {
  const previous = recording;
  recording = on;
  try {
    return fn();
  } finally {
    recording = previous;
  }
}

/**
 * Runs `fn` without recording anything on the tape: results have no history and never require gradients.
 * Use it for evaluation and for parameter updates.
 *
 * @example
 * ```ts
 * const y = noGrad(() => mul(w, 2)); // y.requiresGrad === false even if w requires it
 * ```
 */
export function noGrad<T>(fn: () => T): T {
  return withGradMode(false, fn);
}

/**
 * Runs `fn` as the body of a differentiation transform (`grad`, `vjp`, …). While one runs, an inner transform
 * records its own backward pass on the tape, which is exactly what lets the outer one differentiate it again.
 * Outside any transform, backward passes record nothing, so first-order training keeps no extra graph alive.
 */
export function traced<T>(fn: () => T): T {
  traceDepth += 1;
  try {
    return withGradMode(true, fn);
  } finally {
    traceDepth -= 1;
  }
}

/** True when a backward pass run now must itself be recorded, because an enclosing transform will differentiate it. */
export function nestedInTrace(): boolean {
  return traceDepth > 0 && recording;
}
