import { ShapeError, add, concat, reshape, split, stack, transpose, zeros, type Tensor } from '@loom/core';
import type { StateDict } from './state-dict.js';

/**
 * The weights of one Keras `LSTM`/`LSTMCell` or `GRU`/`GRUCell` layer, as `layer.get_weights()` lists them. Keras
 * keeps inputs as rows (x · kernel), so its matrices are the transposes of loom's and PyTorch's.
 */
export interface KerasRecurrentWeights {
  /** Shape [I, G·H], in column blocks i, f, c, o (LSTM) or z, r, h (GRU). */
  readonly kernel: Tensor;
  /** Shape [H, G·H], in the same column blocks. */
  readonly recurrentKernel: Tensor;
  /** [G·H]; a GRU with `reset_after` has [2, G·H] (input bias, then recurrent bias); null when `use_bias=False`. */
  readonly bias: Tensor | null;
}

/** Which Keras layer the weights belong to, and for a GRU which variant. */
export interface KerasOptions {
  /** `'LSTM'` (G = 4) or `'GRU'` (G = 3). */
  readonly kind: 'LSTM' | 'GRU';
  /**
   * GRU only: Keras's `reset_after` (default true, the TF 2 default): the reset gate multiplies W_hn h + b_hn as in
   * PyTorch. With false it multiplies h before W_hn (Cho et al. 2014), which loom's `GRUCell` does with
   * `resetBefore: true`.
   */
  readonly resetAfter?: boolean;
}

/**
 * `t`'s gate blocks along axis 0 in the other library's order. LSTM gates agree (Keras's i, f, c, o is PyTorch's
 * i, f, g, o); a GRU's r, z, n is Keras's z, r, h with the first two swapped, a swap that is its own inverse.
 */
function reorder(t: Tensor, kind: KerasOptions['kind']): Tensor {
  if (kind === 'LSTM') return t;
  const [a, b, c] = split(t, 3, 0) as [Tensor, Tensor, Tensor];
  return concat([b, a, c], 0);
}

function check(fn: string, what: string, t: Tensor, expected: readonly number[]): void {
  if (t.rank !== expected.length || t.shape.some((d, i) => d !== expected[i])) {
    throw new ShapeError(`${fn}: ${what} has shape [${t.shape.join(',')}] but must be [${expected.join(',')}]`);
  }
}

/**
 * Converts a Keras LSTM or GRU layer's weights to a loom cell's state dict (`weightIh`, `weightHh`, `biasIh`,
 * `biasHh`), for {@link Module.loadStateDict} on an `LSTMCell` or `GRUCell` (with `resetBefore: !resetAfter` and
 * `bias: false` for `use_bias=False`). The cell then computes what the Keras layer computes with its default
 * activations (tanh, sigmoid):
 *
 * ```text
 * weightIh = kernelᵀ, weightHh = recurrent_kernelᵀ, rows reordered z, r, h → r, z, n for a GRU
 * biasIh = bias (or bias[0]), biasHh = 0 (or bias[1] with reset_after)
 * ```
 *
 * The Keras bias is added once, so it goes to `biasIh` and `biasHh` is zero; where the reset gate separates the
 * two (GRU `reset_after`), Keras keeps both and so does the dict.
 *
 * @example
 * ```ts
 * const cell = new GRUCell(8, 16); // Keras GRU(16) with reset_after=True on 8 features
 * cell.loadStateDict(fromKeras({ kernel, recurrentKernel, bias }, { kind: 'GRU' }));
 * ```
 */
export function fromKeras({ kernel, recurrentKernel, bias }: KerasRecurrentWeights, options: KerasOptions): StateDict {
  const { kind, resetAfter = true } = options;
  const fn = 'fromKeras';
  const gates = kind === 'GRU' ? 3 : 4;
  if (kernel.rank !== 2 || kernel.shape[1]! % gates !== 0) {
    throw new ShapeError(`${fn}: kernel has shape [${kernel.shape.join(',')}] but must be [I, ${gates}·H] for ${kind}`);
  }
  const GH = kernel.shape[1]!;
  const H = GH / gates;
  check(fn, 'recurrentKernel', recurrentKernel, [H, GH]);
  const weights = {
    weightIh: reorder(transpose(kernel), kind),
    weightHh: reorder(transpose(recurrentKernel), kind),
  };
  if (bias === null) return weights;
  if (kind === 'GRU' && resetAfter) {
    check(fn, 'bias (GRU with reset_after)', bias, [2, GH]);
    const [bi, bh] = split(bias, 2, 0).map((b) => reorder(reshape(b, [GH]), kind)) as [Tensor, Tensor];
    return { ...weights, biasIh: bi, biasHh: bh };
  }
  check(fn, 'bias', bias, [GH]);
  return { ...weights, biasIh: reorder(bias, kind), biasHh: zeros([GH], { dtype: bias.dtype }) };
}

/**
 * Converts a loom `LSTMCell` or `GRUCell` state dict (as {@link fromKeras} makes it, or `cell.stateDict()`) to Keras
 * weights for `layer.set_weights([kernel, recurrent_kernel, bias])`: the inverse of {@link fromKeras}, with
 * `biasIh + biasHh` as the single Keras bias where Keras has one.
 *
 * @example
 * ```ts
 * const { kernel, recurrentKernel, bias } = toKeras(lstmCell.stateDict(), { kind: 'LSTM' });
 * ```
 */
export function toKeras(dict: Readonly<StateDict>, options: KerasOptions): KerasRecurrentWeights {
  const { kind, resetAfter = true } = options;
  const { weightIh, weightHh, biasIh, biasHh } = dict;
  if (weightIh === undefined || weightHh === undefined) {
    throw new ShapeError(`toKeras: the state dict needs weightIh and weightHh, got ${Object.keys(dict).join(', ')}`);
  }
  const gates = kind === 'GRU' ? 3 : 4;
  const GH = weightIh.shape[0]!;
  if (weightIh.rank !== 2 || GH % gates !== 0) {
    throw new ShapeError(`toKeras: weightIh has shape [${weightIh.shape.join(',')}] but must be [${gates}·H, I] for ${kind}`);
  }
  check('toKeras', 'weightHh', weightHh, [GH, GH / gates]);
  const kernel = transpose(reorder(weightIh, kind));
  const recurrentKernel = transpose(reorder(weightHh, kind));
  if (biasIh === undefined && biasHh === undefined) return { kernel, recurrentKernel, bias: null };
  if (biasIh === undefined || biasHh === undefined) {
    throw new ShapeError(`toKeras: the state dict has ${biasIh ? 'biasIh' : 'biasHh'} without ${biasIh ? 'biasHh' : 'biasIh'}`);
  }
  check('toKeras', 'biasIh', biasIh, [GH]);
  check('toKeras', 'biasHh', biasHh, [GH]);
  const [bi, bh] = [reorder(biasIh, kind), reorder(biasHh, kind)];
  return { kernel, recurrentKernel, bias: kind === 'GRU' && resetAfter ? stack([bi, bh], 0) : add(bi, bh) };
}
