import { ShapeError, ValueError, noGrad, tensor, type Tensor } from '@loom/core';
import { Parameter } from '../parameter.js';

/** The state one parameter's update carries between steps: its own step count t and named buffers. */
export interface ParamState {
  /** Number of updates this parameter has had (parameters without a gradient are not counted). */
  step: number;
  /** Running averages and the like, each shaped and typed like the parameter. */
  buffers: Record<string, Tensor>;
}

/** {@link ParamState} as plain data: buffers as flat number arrays in row-major order. */
export interface ParamStateDict {
  /** The parameter's step count. */
  readonly step: number;
  /** Each buffer's elements, exact copies (float32 values are exact in a JS number). */
  readonly buffers: Readonly<Record<string, readonly number[]>>;
}

/**
 * An optimizer's state as plain data (numbers and arrays of numbers), from {@link Optimizer.stateDict}. It is
 * JSON-safe while the values are finite. `params[i]` belongs to the i-th parameter; null before its first update.
 */
export interface OptimizerStateDict {
  /** The learning rate (schedules change it). */
  readonly lr: number;
  /** Per-parameter state, in the order the parameters were given. */
  readonly params: readonly (ParamStateDict | null)[];
}

/** Throws ValueError unless `value` is a finite number ≥ `low` (and < `below`, when given). */
export function checkOption(name: string, key: string, value: number, low = 0, below = Infinity): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < low || value >= below) {
    const range = below === Infinity ? `≥ ${low}` : `in [${low}, ${below})`;
    throw new ValueError(`${name}: ${key} must be a finite number ${range}, got ${value}`);
  }
  return value;
}

/**
 * Base of the optimizers: holds the parameters, the learning rate and per-parameter state, and runs each
 * parameter's update under `noGrad`, writing the result with {@link Parameter.assign}. Parameters whose `grad` is
 * null are skipped and their step count does not advance, as in PyTorch.
 *
 * A subclass implements only {@link Optimizer.update}, from ops; buffers it stores in the state are saved and
 * restored by {@link Optimizer.stateDict} and {@link Optimizer.loadStateDict}, so a restored optimizer continues
 * bit for bit.
 *
 * @example
 * ```ts
 * const opt = new Adam(model.parameters(), { lr: 1e-3 });
 * for (const batch of batches) {
 *   opt.zeroGrad();
 *   loss(model, batch).backward();
 *   opt.step();
 * }
 * ```
 */
export abstract class Optimizer {
  /** The parameters this optimizer updates, in the order given. */
  readonly params: readonly Parameter[];
  private rate = 0;
  private readonly states: (ParamState | null)[];

  /** Checks the parameters (Parameters, each once) and the learning rate. `name` prefixes error messages. */
  protected constructor(
    /** The optimizer's name, for messages. */
    readonly name: string,
    params: Iterable<Parameter>,
    lr: number,
  ) {
    this.params = [...params];
    this.params.forEach((p, i) => {
      if (!(p instanceof Parameter)) throw new ValueError(`${name}: parameter ${i} is not a Parameter (optimizers update Parameters)`);
      if (this.params.indexOf(p) !== i)
        throw new ValueError(`${name}: parameter ${i} is listed twice (first at ${this.params.indexOf(p)})`);
    });
    this.states = this.params.map(() => null);
    this.lr = lr;
  }

  /** Learning rate γ of the next step; set it to change it (schedules do). Must be finite and ≥ 0. */
  get lr(): number {
    return this.rate;
  }

  /** Sets the learning rate; throws ValueError unless it is finite and ≥ 0. */
  set lr(value: number) {
    this.rate = checkOption(this.name, 'lr', value);
  }

  /** Applies one update to every parameter that has a gradient. */
  step(): void {
    noGrad(() =>
      this.params.forEach((p, i) => {
        if (p.grad === null) return;
        const state = (this.states[i] ??= { step: 0, buffers: {} });
        state.step += 1;
        this.update(p, p.grad, state);
      }),
    );
  }

  /** Clears every parameter's gradient (sets it to null, as PyTorch's default `set_to_none`). */
  zeroGrad(): void {
    for (const p of this.params) p.grad = null;
  }

  /** The learning rate and every parameter's state, copied into plain data. */
  stateDict(): OptimizerStateDict {
    const params = this.states.map((s) =>
      s === null ? null : { step: s.step, buffers: Object.fromEntries(Object.entries(s.buffers).map(([k, t]) => [k, Array.from(t.data)])) },
    );
    return { lr: this.lr, params };
  }

  /** Restores a {@link Optimizer.stateDict} (copied in), checking that it fits these parameters. */
  loadStateDict(dict: OptimizerStateDict): void {
    if (dict.params.length !== this.params.length) {
      throw new ValueError(
        `${this.name}.loadStateDict: the state has ${dict.params.length} parameters, this optimizer ${this.params.length}`,
      );
    }
    const states = dict.params.map((s, i) => {
      if (s === null) return null;
      const p = this.params[i]!;
      if (!Number.isInteger(s.step) || s.step < 0) throw new ValueError(`${this.name}.loadStateDict: parameter ${i} has step ${s.step}`);
      const buffers = Object.fromEntries(
        Object.entries(s.buffers).map(([key, values]) => {
          if (values.length !== p.size) {
            throw new ShapeError(
              `${this.name}.loadStateDict: buffer '${key}' of parameter ${i} has ${values.length} values, the parameter [${p.shape.join(',')}] has ${p.size}`,
            );
          }
          return [key, tensor(values, { shape: p.shape, dtype: p.dtype })];
        }),
      );
      return { step: s.step, buffers };
    });
    this.lr = dict.lr;
    states.forEach((s, i) => (this.states[i] = s));
  }

  /** Updates `param` in place from its gradient `grad` (already checked non-null); `state.step` is t ≥ 1. */
  protected abstract update(param: Parameter, grad: Tensor, state: ParamState): void;
}
