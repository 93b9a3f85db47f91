import { Tensor } from '@loom/core';
import { load, snapshot, type LoadStateDictOptions, type LoadStateDictResult, type StateDict } from './interop/state-dict.js';
import { Parameter } from './parameter.js';
import { summary } from './summary.js';

/**
 * Base class of layers and models. A module finds its parameters and child modules by walking its own fields,
 * including arrays and Maps of them, so a subclass only assigns fields: no registration calls.
 *
 * @example
 * ```ts
 * class TwoLayer extends Module {
 *   hidden = new Linear(4, 8);
 *   out = new Linear(8, 2);
 *   forward(x: Tensor) { return this.out.forward(tanh(this.hidden.forward(x))); }
 * }
 * new TwoLayer().namedParameters().map(([name]) => name); // ['hidden.weight', 'hidden.bias', 'out.weight', 'out.bias']
 * ```
 */
export abstract class Module {
  /** True in training mode (dropout active), false after {@link Module.eval}. */
  training = true;

  /** Every parameter of this module and its descendants, each once, in field order. */
  parameters(): Parameter[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /** Parameters with dotted paths as names (`layers.0.weight`), each parameter once, in field order. */
  namedParameters(): [string, Parameter][] {
    const out: [string, Parameter][] = [];
    const seen = new Set<unknown>();
    const visit = (value: unknown, path: string): void => {
      if (value === null || typeof value !== 'object' || seen.has(value)) return;
      seen.add(value);
      if (value instanceof Parameter) out.push([path, value]);
      else if (value instanceof Tensor) return;
      else if (value instanceof Module) for (const [k, v] of fields(value)) visit(v, join(path, k));
      else if (Array.isArray(value)) value.forEach((v, i) => visit(v, join(path, String(i))));
      else if (value instanceof Map) for (const [k, v] of value) visit(v, join(path, String(k)));
    };
    visit(this, '');
    return out;
  }

  /**
   * Copies of every parameter's values under its {@link Module.namedParameters} name: a snapshot that later
   * training does not change. Modules that mirror PyTorch's use PyTorch's names, so the dict saves to a
   * safetensors file PyTorch's `load_state_dict` reads, and back.
   *
   * @example
   * ```ts
   * const dict = model.stateDict(); // { 'hidden.weight': Tensor, 'hidden.bias': Tensor, … }
   * ```
   */
  stateDict(): StateDict {
    return snapshot(this.namedParameters());
  }

  /**
   * Sets the parameters from `dict` (names as {@link Module.stateDict} gives them), casting values to each
   * parameter's dtype. Strict by default: names missing from the dict or unknown to the module throw
   * {@link StateDictError}, as do shapes that differ (in any mode); all problems are listed at once and nothing is
   * loaded. With `{ strict: false }` the unmatched names are returned instead.
   *
   * @example
   * ```ts
   * const fresh = new LSTM(8, 16, { numLayers: 2 });
   * fresh.loadStateDict(trained.stateDict()); // or the tensors of a PyTorch checkpoint saved as safetensors
   * ```
   */
  loadStateDict(dict: Readonly<StateDict>, options: LoadStateDictOptions = {}): LoadStateDictResult {
    return load(`${this.constructor.name}.loadStateDict`, this.namedParameters(), dict, options);
  }

  /** Direct child modules with their field names (arrays and Maps give `name.index`). */
  children(): [string, Module][] {
    const out: [string, Module][] = [];
    const visit = (value: unknown, path: string): void => {
      if (value instanceof Module) out.push([path, value]);
      else if (Array.isArray(value)) value.forEach((v, i) => visit(v, join(path, String(i))));
      else if (value instanceof Map) for (const [k, v] of value) visit(v, join(path, String(k)));
    };
    for (const [k, v] of fields(this)) visit(v, k);
    return out;
  }

  /** Switches this module and all descendants to training mode (or evaluation mode with `false`). */
  train(on = true): this {
    const seen = new Set<Module>();
    const visit = (m: Module): void => {
      if (seen.has(m)) return; // a child may point back to its parent
      seen.add(m);
      m.training = on;
      for (const [, child] of m.children()) visit(child);
    };
    visit(this);
    return this;
  }

  /** Switches this module and all descendants to evaluation mode: dropout becomes the identity. */
  eval(): this {
    return this.train(false);
  }

  /** Number of trainable elements in this module and its descendants. */
  parameterCount(): number {
    return this.parameters().reduce((n, p) => n + p.size, 0);
  }

  /**
   * A table of this module and its descendants: dotted path and class, output shape (recorded while `run`, a
   * forward pass you provide, runs under `noGrad`), and parameter count, with totals. See {@link summary}.
   *
   * @example
   * ```ts
   * console.log(model.summary(() => model.forward(x)));
   * ```
   */
  summary(run?: () => unknown): string {
    return summary(this, run);
  }
}

function fields(m: Module): [string, unknown][] {
  return Object.entries(m).filter(([k]) => k !== 'training');
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}
