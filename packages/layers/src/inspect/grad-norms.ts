import { ValueError, add, valueAndGrad, withStepTap, zeros, type Tensor } from '@loom/core';
import type { State } from '../cell.js';
import type { Recurrent, RecurrentOutput, SequenceMask } from '../recurrent.js';

/** Options of {@link gradNormsOverTime}. */
export interface GradNormsOptions<S extends State> {
  /** The initial state passed to `forward` (the cell's own initial state when absent). */
  readonly state?: S;
  /** Lengths or a mask passed to `forward`; padded steps get a zero gradient. */
  readonly sequence?: SequenceMask;
  /**
   * Which tensor of a tuple state to probe (default 0: h). For one that is not also the step's output, such as an
   * LSTM's cell state c (1), only its path through later steps counts, so the last step's gradient is 0.
   */
  readonly component?: number;
}

/** What {@link gradNormsOverTime} returns. */
export interface StepGradNorms {
  /** The loss, as a number. */
  readonly loss: number;
  /** ∂L/∂h_t for every step t in input order, each shaped like the state [B, H]. */
  readonly grads: Tensor[];
  /** ‖∂L/∂h_t[b]‖₂ per step and sequence, [T][B]. */
  readonly perSequence: number[][];
  /** The per-sequence norms averaged over the batch, one per step: the curve that vanishes or explodes. */
  readonly mean: number[];
}

/**
 * How strongly the loss depends on each step's hidden state: ‖∂L/∂h_t‖ for t = 0 … T−1, computed by the tape.
 *
 * Every step's new state gets a zero probe added, h̃_t = h_t + δ_t (δ_t = 0, so the forward pass is unchanged),
 * and one backward pass gives ∂L/∂δ_t = ∂L/∂h_t, the total derivative through every later step and through the
 * step's own output. In a vanilla RNN it shrinks roughly like ∏ ‖diag(φ′)·W_hh‖ going back in time (Bengio et
 * al. 1994; Pascanu et al. 2013): the vanishing gradient. Norms are L2 over the hidden units, per sequence, and
 * `mean` averages them over the batch. The probe only sees the `Recurrent` given, not others inside `lossFn`.
 *
 * Shapes: x as for `recurrent.forward` ([T, B, I], or [B, T, I] with batchFirst); `grads[t]` as the state
 * (component) [B, H].
 *
 * @param lossFn - maps the layer's output to a one-element loss tensor.
 *
 * @example
 * ```ts
 * const rnn = new Recurrent(new RNNCell(4, 16));
 * const { mean } = gradNormsOverTime(rnn, x, ({ outputs }) => mseLoss(readout.forward(outputs), y));
 * mean[0] / mean[mean.length - 1]; // ≪ 1 when the gradient vanishes
 * ```
 */
export function gradNormsOverTime<S extends State>(
  recurrent: Recurrent<S>,
  x: Tensor,
  lossFn: (output: RecurrentOutput<S>) => Tensor,
  options: GradNormsOptions<S> = {},
): StepGradNorms {
  const name = `gradNormsOverTime(Recurrent(${recurrent.cell.constructor.name}))`;
  if (x.rank !== 3) throw new ValueError(`${name}: x must have rank 3, got [${x.shape.join(',')}]`);
  const batchFirst = recurrent.options.batchFirst;
  const steps = x.shape[batchFirst ? 1 : 0]!;
  const batch = x.shape[batchFirst ? 0 : 1]!;
  const initial = recurrent.cell.initialState(batch);
  const parts: readonly Tensor[] = Array.isArray(initial) ? initial : [initial as Tensor];
  const k = options.component ?? 0;
  if (!Number.isInteger(k) || k < 0 || k >= parts.length) {
    throw new ValueError(`${name}: component ${k} must be a whole number in 0…${parts.length - 1} (the state has ${parts.length} tensors)`);
  }
  const probes = Array.from({ length: steps }, () => zeros(parts[k]!.shape, { dtype: x.dtype }));
  const run = (...deltas: Tensor[]): Tensor =>
    withStepTap(
      (scope, result) => (scope.owner === recurrent ? probed(result as [Tensor, State], k, deltas[scope.t]!) : result),
      () => lossFn(recurrent.forward(x, options.state, options.sequence)),
    );
  const [loss, grads] = valueAndGrad(
    run,
    probes.map((_, t) => t),
  )(...probes);
  const perSequence = grads.map(rowNorms);
  const mean = perSequence.map((norms) => norms.reduce((a, b) => a + b, 0) / norms.length);
  return { loss: loss.item(), grads, perSequence, mean };
}

/** A step's result with δ added to state tensor k, and to the output too when the output is that same tensor. */
function probed([out, next]: [Tensor, State], k: number, delta: Tensor): [Tensor, State] {
  const parts = Array.isArray(next) ? [...next] : [next as Tensor];
  const h = parts[k]!;
  parts[k] = add(h, delta);
  return [out === h ? parts[k]! : out, Array.isArray(next) ? parts : parts[0]!];
}

/** L2 norm of each row of a [B, H] tensor (plain numbers: a diagnostic, not part of any gradient). */
function rowNorms(g: Tensor): number[] {
  const [rows, cols] = [g.shape[0]!, g.size / g.shape[0]!];
  const data = g.toTypedArray();
  return Array.from({ length: rows }, (_, b) => {
    let s = 0;
    for (let j = 0; j < cols; j++) s += data[b * cols + j]! ** 2;
    return Math.sqrt(s);
  });
}
