import { LoomError, Tensor, cast, noGrad } from '@loom/core';
import type { Parameter } from '../parameter.js';

/**
 * A module's parameter values by dotted name, as {@link Module.stateDict} returns and {@link Module.loadStateDict}
 * takes them. The names are PyTorch's wherever loom's modules mirror PyTorch's (`weight`, `bias`,
 * `weight_ih_l0`, `bias_hh_l1_reverse`, …), so a PyTorch `state_dict()` saved as safetensors loads as is.
 *
 * @example
 * ```ts
 * const dict: StateDict = lstm.stateDict(); // { weight_ih_l0: Tensor [4H, I], … }
 * ```
 */
export type StateDict = Record<string, Tensor>;

/** Options of {@link Module.loadStateDict}. */
export interface LoadStateDictOptions {
  /**
   * Require the dict's names to be exactly the module's (default true, as PyTorch). With false, missing and
   * unexpected names are returned instead of thrown; shapes must match either way.
   */
  readonly strict?: boolean;
}

/** What {@link Module.loadStateDict} returns: the names it could not match (both empty in strict mode). */
export interface LoadStateDictResult {
  /** Module parameters the dict has no value for (left unchanged). */
  readonly missing: readonly string[];
  /** Dict entries that name no parameter of the module (ignored). */
  readonly unexpected: readonly string[];
}

/** One dict entry whose shape differs from its parameter's. */
export interface ShapeMismatch {
  /** The parameter's name. */
  readonly name: string;
  /** The parameter's shape. */
  readonly expected: readonly number[];
  /** The dict entry's shape. */
  readonly got: readonly number[];
}

/**
 * A state dict that does not fit a module: names missing or unexpected (strict mode), entries that are not
 * tensors, or shapes that differ. Nothing is loaded when it is thrown; the fields list every problem at once.
 *
 * @example
 * ```ts
 * try { lstm.loadStateDict(dict); } catch (e) { if (e instanceof StateDictError) console.log(e.missing); }
 * ```
 */
export class StateDictError extends LoomError {
  /** Always `'StateDictError'`, so logs show the class. */
  override name = 'StateDictError';

  /** Builds the message from the problems; `where` names the module and method. */
  constructor(
    where: string,
    /** Module parameters the dict lacks (strict mode). */
    readonly missing: readonly string[],
    /** Dict names that match no parameter (strict mode), or whose value is not a tensor. */
    readonly unexpected: readonly string[],
    /** Entries whose shape differs from the parameter's. */
    readonly mismatched: readonly ShapeMismatch[],
  ) {
    const parts = [
      missing.length > 0 ? `missing keys: ${missing.join(', ')}` : '',
      unexpected.length > 0 ? `unexpected keys: ${unexpected.join(', ')}` : '',
      ...mismatched.map((m) => `${m.name} has shape [${m.got.join(',')}] in the dict but [${m.expected.join(',')}] in the module`),
    ];
    super(`${where}: the state dict does not fit the module; ${parts.filter((p) => p !== '').join('; ')}`);
  }
}

/** Copies of `named`'s values, so later optimizer steps do not change the returned dict. */
export function snapshot(named: readonly [string, Parameter][]): StateDict {
  return Object.fromEntries(named.map(([name, p]) => [name, new Tensor(p.data.slice(), p.shape)]));
}

/**
 * Checks every entry of `dict` against `named` first and throws {@link StateDictError} listing all problems,
 * then assigns: a bad dict leaves the module untouched. Values are cast to each parameter's dtype, as PyTorch's
 * `load_state_dict` copies them.
 */
export function load(
  where: string,
  named: readonly [string, Parameter][],
  dict: Readonly<Record<string, unknown>>,
  { strict = true }: LoadStateDictOptions,
): LoadStateDictResult {
  const params = new Map(named);
  const missing = named.map(([name]) => name).filter((name) => !Object.hasOwn(dict, name));
  const unexpected: string[] = [];
  const notTensors: string[] = [];
  const mismatched: ShapeMismatch[] = [];
  const updates: [Parameter, Tensor][] = [];
  for (const [name, value] of Object.entries(dict)) {
    const p = params.get(name);
    if (p === undefined) unexpected.push(name);
    else if (!(value instanceof Tensor)) notTensors.push(`${name} (not a Tensor)`);
    else if (value.rank !== p.rank || value.shape.some((d, i) => d !== p.shape[i])) {
      mismatched.push({ name, expected: p.shape, got: value.shape });
    } else updates.push([p, value]);
  }
  const keyProblems = strict && missing.length + unexpected.length > 0;
  if (keyProblems || notTensors.length > 0 || mismatched.length > 0) {
    throw new StateDictError(where, strict ? missing : [], [...(strict ? unexpected : []), ...notTensors], mismatched);
  }
  noGrad(() => {
    for (const [p, value] of updates) p.assign(cast(value, p.dtype));
  });
  return { missing, unexpected };
}
