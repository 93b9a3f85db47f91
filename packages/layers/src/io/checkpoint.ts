import { DTypeError, Generator, ShapeError, Tensor, ValueError } from '@loom/core';
import type { Module } from '../module.js';
import type { Optimizer, OptimizerStateDict, ParamStateDict } from '../optim/optimizer.js';
import type { Parameter } from '../parameter.js';
import { loadSafetensors, saveSafetensors } from './files.js';

/** What {@link saveCheckpoint} stores. Everything but the model is optional. */
export interface CheckpointState {
  /** The model; every parameter is saved as `model.<name>`. */
  readonly model: Module;
  /** The optimizer; its buffers are saved as `optim.<parameter name>.<buffer>`, its lr and step counts in metadata. */
  readonly optimizer?: Optimizer;
  /** The training step (a whole number ≥ 0; 0 when absent). */
  readonly step?: number;
  /** The epoch (a whole number ≥ 0; 0 when absent). */
  readonly epoch?: number;
  /** Generators whose exact position to save, by name (e.g. `{ dropout: g }`). */
  readonly rng?: Readonly<Record<string, Generator>>;
  /** Anything else as JSON data: a schedule's `stateDict()`, the best loss so far, the configuration. */
  readonly extra?: unknown;
}

/** What {@link loadCheckpoint} restores in place. */
export interface CheckpointTargets {
  /** Receives the saved parameters; its parameter names, shapes and dtypes must match the file's exactly. */
  readonly model: Module;
  /** Receives the optimizer state; must be of the saved optimizer's class. Not restored when absent. */
  readonly optimizer?: Optimizer;
  /** Generators to set to their saved positions; each name must be in the file. */
  readonly rng?: Readonly<Record<string, Generator>>;
}

/** The counters and extra data of a checkpoint, from {@link loadCheckpoint}. */
export interface CheckpointInfo {
  /** The saved training step. */
  readonly step: number;
  /** The saved epoch. */
  readonly epoch: number;
  /** The saved extra data (parsed JSON), or undefined when none was saved. */
  readonly extra: unknown;
}

const FORMAT_KEY = 'loom.checkpoint';
const FORMAT_VERSION = '1';

/**
 * Saves a training run's whole state to ONE safetensors file, atomically (see {@link saveSafetensors}): a crash or
 * kill leaves the previous checkpoint intact. Tensors: `model.<name>` for each parameter (dtype as is) and
 * `optim.<name>.<buffer>` for each optimizer buffer (e.g. `optim.encoder.weight.expAvg`). Metadata, as JSON
 * strings: `loom.checkpoint` (format version), `step`, `epoch`, `optimizer` (class, lr, hyperparameters and each
 * parameter's step count), `rng` (each generator's state) and `extra`. Any safetensors reader can open the file.
 *
 * @example
 * ```ts
 * await saveCheckpoint('run/last.safetensors', { model, optimizer, step, epoch, rng: { dropout: g }, extra: { bestLoss } });
 * ```
 */
export async function saveCheckpoint(path: string, state: CheckpointState): Promise<void> {
  const { model, optimizer, step = 0, epoch = 0, rng = {}, extra } = state;
  wholeNumber('step', step);
  wholeNumber('epoch', epoch);
  const named = model.namedParameters();
  const tensors: Record<string, Tensor> = {};
  for (const [name, p] of named) tensors[`model.${name}`] = p;
  const metadata: Record<string, string> = { [FORMAT_KEY]: FORMAT_VERSION, step: String(step), epoch: String(epoch) };
  if (optimizer !== undefined) {
    const names = optimizerNames('saveCheckpoint', named, optimizer);
    const dict = optimizer.stateDict();
    const steps: Record<string, number> = {};
    dict.params.forEach((s, i) => {
      if (s === null) return;
      const name = names[i]!;
      const p = optimizer.params[i]!;
      steps[name] = s.step;
      for (const [key, values] of Object.entries(s.buffers)) {
        if (key.includes('.'))
          throw new ValueError(`saveCheckpoint: optimizer buffer '${key}' of '${name}' has a '.', which checkpoint names reserve`);
        // Straight into a typed array: tensor() walks nested arrays element by element, slow for big buffers.
        const data = p.dtype === 'float32' ? Float32Array.from(values) : Float64Array.from(values);
        tensors[`optim.${name}.${key}`] = new Tensor(data, p.shape);
      }
    });
    const options = (optimizer as { options?: unknown }).options;
    metadata.optimizer = JSON.stringify({ name: optimizer.name, lr: dict.lr, options, steps });
  }
  metadata.rng = JSON.stringify(Object.fromEntries(Object.entries(rng).map(([k, g]) => [k, stateJson(g)])));
  if (extra !== undefined) metadata.extra = extraJson(extra);
  await saveSafetensors(path, tensors, metadata);
}

/**
 * Restores a {@link saveCheckpoint} file in place: the model's parameters, the optimizer's state (lr, step counts,
 * buffers) and the generators' positions, so training continues bit for bit as if never interrupted. Everything is
 * checked before anything changes: parameter names (missing and unexpected ones are listed), shapes, dtypes, the
 * optimizer class, the generators asked for. A bad file throws SafetensorsError, a mismatch ValueError, ShapeError
 * or DTypeError naming the path; the model, optimizer and generators are then left untouched.
 *
 * @example
 * ```ts
 * const { step, epoch, extra } = await loadCheckpoint('run/last.safetensors', { model, optimizer, rng: { dropout: g } });
 * ```
 */
export async function loadCheckpoint(path: string, targets: CheckpointTargets): Promise<CheckpointInfo> {
  const { tensors, metadata } = await loadSafetensors(path);
  const where = `loadCheckpoint: ${path}`;
  if (metadata[FORMAT_KEY] !== FORMAT_VERSION) {
    throw new ValueError(
      `${where} is not a loom checkpoint (metadata '${FORMAT_KEY}' is ${JSON.stringify(metadata[FORMAT_KEY] ?? null)}, expected "${FORMAT_VERSION}")`,
    );
  }
  const json = (key: string): unknown => {
    const text = metadata[key];
    if (text === undefined) return undefined;
    try {
      return JSON.parse(text);
    } catch {
      throw new ValueError(`${where}: metadata '${key}' is not JSON`);
    }
  };
  const step = counter(where, 'step', json('step'));
  const epoch = counter(where, 'epoch', json('epoch'));
  const named = targets.model.namedParameters();
  const values = named.map(([name, p]) => [p, checkTensor(where, `model.${name}`, tensors[`model.${name}`], p)] as const);
  const expected = new Set(named.map(([name]) => `model.${name}`));
  const unexpected = Object.keys(tensors).filter((k) => k.startsWith('model.') && !expected.has(k));
  if (unexpected.length > 0) throw new ValueError(`${where}: the model has no parameters for ${unexpected.join(', ')}`);
  const optimizerDict =
    targets.optimizer === undefined ? undefined : optimizerState(where, tensors, json('optimizer'), named, targets.optimizer);
  const generators = Object.entries(targets.rng ?? {}).map(([name, g]) => [g, generatorState(where, name, json('rng'))] as const);
  // Everything is checked: from here on nothing can fail halfway.
  if (optimizerDict !== undefined) targets.optimizer!.loadStateDict(optimizerDict);
  for (const [p, t] of values) p.assign(t);
  for (const [g, s] of generators) g.setState(s);
  return { step, epoch, extra: json('extra') };
}

function counter(where: string, key: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0)
    throw new ValueError(`${where}: metadata '${key}' must be a whole number ≥ 0, got ${JSON.stringify(value)}`);
  return value;
}

function checkTensor(where: string, key: string, t: Tensor | undefined, p: Parameter): Tensor {
  if (t === undefined) throw new ValueError(`${where}: missing tensor '${key}'`);
  const what = `${where}: '${key}' is ${t.dtype} [${t.shape.join(',')}] but the parameter is ${p.dtype} [${p.shape.join(',')}]`;
  if (t.rank !== p.rank || t.shape.some((d, i) => d !== p.shape[i])) throw new ShapeError(what);
  if (t.dtype !== p.dtype) throw new DTypeError(what);
  return t;
}

/** Each optimizer parameter's name in the model; every one must belong to it. */
function optimizerNames(op: string, named: readonly [string, Parameter][], optimizer: Optimizer): string[] {
  const nameOf = new Map(named.map(([name, p]) => [p, name]));
  return optimizer.params.map((p, i) => {
    const name = nameOf.get(p);
    if (name === undefined)
      throw new ValueError(`${op}: parameter ${i} of ${optimizer.name} [${p.shape.join(',')}] is not a parameter of the model`);
    return name;
  });
}

function optimizerState(
  where: string,
  tensors: Record<string, Tensor>,
  saved: unknown,
  named: readonly [string, Parameter][],
  optimizer: Optimizer,
): OptimizerStateDict {
  const info = saved as { name?: unknown; lr?: unknown; steps?: unknown } | undefined;
  if (info === undefined || info === null || typeof info !== 'object')
    throw new ValueError(`${where}: the checkpoint has no optimizer state`);
  if (info.name !== optimizer.name)
    throw new ValueError(`${where}: the checkpoint holds ${JSON.stringify(info.name)} state but the optimizer is ${optimizer.name}`);
  if (typeof info.lr !== 'number') throw new ValueError(`${where}: metadata 'optimizer' has no lr`);
  const steps = (info.steps ?? {}) as Record<string, unknown>;
  const names = optimizerNames(where, named, optimizer);
  const claimed = new Set<string>();
  const params = optimizer.params.map((p, i): ParamStateDict | null => {
    const name = names[i]!;
    const prefix = `optim.${name}.`;
    const keys = Object.keys(tensors).filter((k) => k.startsWith(prefix) && !k.slice(prefix.length).includes('.'));
    keys.forEach((k) => claimed.add(k));
    const step = steps[name];
    if (step === undefined && keys.length === 0) return null;
    if (typeof step !== 'number') throw new ValueError(`${where}: optimizer buffers for '${name}' but no step count`);
    const buffers = Object.fromEntries(keys.map((k) => [k.slice(prefix.length), Array.from(checkTensor(where, k, tensors[k], p).data)]));
    return { step, buffers };
  });
  const stray = Object.keys(tensors).filter((k) => k.startsWith('optim.') && !claimed.has(k));
  if (stray.length > 0) throw new ValueError(`${where}: optimizer state for parameters the optimizer does not have: ${stray.join(', ')}`);
  return { lr: info.lr, params };
}

function generatorState(where: string, name: string, saved: unknown): number[] {
  const state = (saved as Record<string, unknown> | undefined)?.[name];
  const valid =
    Array.isArray(state) &&
    state.length === 5 &&
    state.slice(0, 4).every((v) => Number.isInteger(v) && v >= 0 && v < 2 ** 32) &&
    (state[4] === null || Number.isFinite(state[4]));
  if (!valid)
    throw new ValueError(
      `${where}: no valid state for generator '${name}' (saved: ${Object.keys((saved as object | undefined) ?? {}).join(', ') || 'none'})`,
    );
  return (state as (number | null)[]).map((v) => v ?? Number.NaN);
}

/** A generator's state as JSON: the four state words as unsigned integers, the spare normal or null. */
function stateJson(g: Generator): (number | null)[] {
  return g.getState().map((v, i) => (i < 4 ? v >>> 0 : Number.isNaN(v) ? null : v));
}

function wholeNumber(key: string, n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new ValueError(`saveCheckpoint: ${key} must be a whole number ≥ 0, got ${n}`);
}

function extraJson(extra: unknown): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(extra);
  } catch (e) {
    // Cycles and BigInts make JSON.stringify throw a TypeError; the caller should see loom's error instead.
    throw new ValueError(`saveCheckpoint: extra must be JSON data: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (json === undefined) throw new ValueError(`saveCheckpoint: extra must be JSON data, got ${typeof extra}`);
  return json;
}
