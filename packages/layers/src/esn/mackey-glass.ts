import { ValueError, type Generator } from '@loom/core';

/** Options of {@link mackeyGlass}. */
export interface MackeyGlassOptions {
  /** Delay τ (default 17, mildly chaotic). Must be a multiple of `dt`. */
  readonly tau?: number;
  /** β (default 0.2). */
  readonly beta?: number;
  /** γ (default 0.1). */
  readonly gamma?: number;
  /** Exponent n (default 10). */
  readonly n?: number;
  /** Integration step (default 0.1). */
  readonly dt?: number;
  /** Time between returned samples (default 1), a multiple of `dt`. */
  readonly sampleEvery?: number;
  /** Time integrated and thrown away before the first sample, so the start's transient is gone (default 200). */
  readonly discard?: number;
  /** The history x(t ≤ 0) is x0 = 1.2 everywhere; with a generator, 1.2 + U(−0.1, 0.1) per history point instead. */
  readonly generator?: Generator;
}

/**
 * The Mackey–Glass delay differential equation (Mackey & Glass 1977), the classic chaotic benchmark of reservoir
 * computing:
 *
 * ```text
 * dx/dt = β x(t − τ) / (1 + x(t − τ)ⁿ) − γ x(t)
 * ```
 *
 * integrated with classical Runge–Kutta (RK4) at step dt; the delayed term at the half step is the mean of its
 * two neighbouring history points (linear interpolation, exact to the O(dt²) of the delay grid). Plain numbers,
 * not tensors: a data generator.
 *
 * @example
 * ```ts
 * const series = mackeyGlass(2000, { generator: new Generator(0) }); // 2000 samples, one per time unit
 * ```
 */
export function mackeyGlass(length: number, options: MackeyGlassOptions = {}): number[] {
  const { tau = 17, beta = 0.2, gamma = 0.1, n = 10, dt = 0.1, sampleEvery = 1, discard = 200, generator } = options;
  const delay = Math.round(tau / dt);
  const every = Math.round(sampleEvery / dt);
  if (!Number.isInteger(length) || length < 0) throw new ValueError(`mackeyGlass: length must be a whole number ≥ 0, got ${length}`);
  if (!(dt > 0) || delay < 1 || Math.abs(delay * dt - tau) > 1e-9 || every < 1 || Math.abs(every * dt - sampleEvery) > 1e-9) {
    throw new ValueError(`mackeyGlass: tau (${tau}) and sampleEvery (${sampleEvery}) must be positive multiples of dt (${dt})`);
  }
  const history = Array.from({ length: delay + 1 }, () => 1.2 + (generator ? 0.2 * generator.uniform() - 0.1 : 0));
  const f = (x: number, lagged: number) => (beta * lagged) / (1 + lagged ** n) - gamma * x;
  const skip = Math.round(discard / dt);
  const out: number[] = [];
  for (let step = 0; out.length < length; step++) {
    const i = history.length - 1;
    const x = history[i]!;
    const [lag0, lag1] = [history[i - delay]!, history[i - delay + 1]!];
    const lagHalf = (lag0 + lag1) / 2;
    const k1 = f(x, lag0);
    const k2 = f(x + (dt / 2) * k1, lagHalf);
    const k3 = f(x + (dt / 2) * k2, lagHalf);
    const k4 = f(x + dt * k3, lag1);
    history.push(x + (dt / 6) * (k1 + 2 * k2 + 2 * k3 + k4));
    history.shift();
    if (step + 1 >= skip && (step + 1 - skip) % every === 0) out.push(history[history.length - 1]!);
  }
  return out;
}
