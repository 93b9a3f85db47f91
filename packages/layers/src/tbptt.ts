import { Tensor, ValueError, concat, slice, stopGradient } from '@loom/core';
import type { SequenceMask } from './recurrent.js';
import type { SequenceLayer } from './sequence-layer.js';

/**
 * The same state with every tensor cut off from the tape (`stopGradient`), in the same structure: a tensor, a
 * tuple, or nested tuples. Carry it into the next chunk so its backward pass stops at the chunk boundary.
 *
 * @example
 * ```ts
 * let state: [Tensor, Tensor] | undefined;
 * for (const chunk of chunks) {
 *   const out = lstm.forward(chunk, state);
 *   lossOf(out.outputs).backward();
 *   state = detachState(out.state);
 * }
 * ```
 */
export function detachState<S>(state: S): S {
  if (state instanceof Tensor) return stopGradient(state) as S;
  if (Array.isArray(state)) return state.map((s: unknown) => detachState(s)) as S;
  return state;
}

/** Options of {@link tbptt}. */
export interface TBPTTOptions<S> {
  /** k1: steps between updates; each call of `onChunk` brings this many new steps (the last may bring fewer). */
  readonly k1: number;
  /** k2 ≥ k1: steps each update backpropagates through (default k1). With k2 > k1 windows overlap and are re-run. */
  readonly k2?: number;
  /** The state before step 0; the layer's initial state when absent. */
  readonly state?: S;
  /** `x` (and outputs, and a mask) are [B, T, …]; must match the layer's own setting. Default false. */
  readonly batchFirst?: boolean;
  /** Lengths or a mask for the whole sequence; each window gets its part. */
  readonly sequence?: SequenceMask;
}

/** One update of {@link tbptt}: the new steps [start, end) and what the layer produced for them. */
export interface TBPTTChunk<S> {
  /** Which update this is, from 0. */
  readonly index: number;
  /** First new step (inclusive). */
  readonly start: number;
  /** Last new step (exclusive). */
  readonly end: number;
  /** Outputs of the new steps only, [end − start, B, H] (or [B, end − start, H]); on the tape back k2 steps. */
  readonly outputs: Tensor;
  /** The state after step `end`, still on the tape. */
  readonly state: S;
  /** `t` cut to the new steps along the time axis, e.g. the targets: `chunk.slice(targets)`. */
  slice(t: Tensor): Tensor;
}

/**
 * Truncated backpropagation through time, TBPTT(k1, k2) (Williams & Peng 1990; Sutskever 2013): runs `layer`
 * over `x` in windows and calls `onChunk` every k1 steps with the outputs of those k1 new steps, computed from a
 * state detached k2 − k1 steps before them (a window of k2 steps). `onChunk` computes a loss, calls `backward` and
 * steps the optimizer; the gradient of each new step's loss then flows back at most k2 steps, so the tape of an
 * update has the same size whatever the length of `x`, and memory does not grow with it.
 *
 * ```text
 * update i:  new steps [e_{i−1}, e_i)  with e_i = min((i + 1)·k1, T)
 *            window    [s_i, e_i)      with s_i = max(0, e_{i−1} − (k2 − k1)), from detach(state at s_i)
 * ```
 *
 * With k2 = k1 (the default) windows are the chunks of x and nothing is recomputed. With k2 > k1 the first
 * k2 − k1 steps of each window were already seen and are run again (k2/k1 times the forward work); the layer must
 * then return every step's output. Only forward-in-time layers make sense here: a reversed layer's chunks would
 * not see the future.
 *
 * @returns the state after the last step, detached: pass it as `state` to continue over the next batch of the
 * same streams.
 *
 * @example
 * ```ts
 * const rnn = new Recurrent(new LSTMCell(8, 32));
 * let state = tbptt(rnn, x, { k1: 20 }, (chunk) => {
 *   const loss = crossEntropy(head.forward(chunk.outputs), chunk.slice(targets));
 *   loss.backward();
 *   opt.step();
 *   opt.zeroGrad();
 * });
 * ```
 */
export function tbptt<S>(layer: SequenceLayer<S>, x: Tensor, options: TBPTTOptions<S>, onChunk: (chunk: TBPTTChunk<S>) => void): S {
  const { k1, k2 = k1, batchFirst = false, sequence = {} } = options;
  if (!Number.isInteger(k1) || k1 < 1 || !Number.isInteger(k2) || k2 < k1) {
    throw new ValueError(`tbptt: k1 must be a whole number ≥ 1 and k2 one ≥ k1, got k1 = ${k1} and k2 = ${k2}`);
  }
  const axis = batchFirst ? 1 : 0;
  if (x.rank < 2) throw new ValueError(`tbptt: x must have a time and a batch axis, got shape [${x.shape.join(',')}]`);
  const steps = x.shape[axis]!;
  const cut = (t: Tensor, a: number, b: number): Tensor => slice(t, axis === 0 ? [a] : [0, a], axis === 0 ? [b] : [t.shape[0]!, b]);
  const run = (a: number, b: number, state: S | undefined) => {
    const { lengths, mask } = sequence;
    const part: SequenceMask = lengths
      ? { lengths: lengths.map((n) => Math.min(Math.max(n - a, 0), b - a)) }
      : mask
        ? { mask: cut(mask, a, b) }
        : {};
    return layer.forward(cut(x, a, b), state, part);
  };
  let from: S | undefined = options.state;
  let start = 0;
  let final: S | undefined = from;
  for (let index = 0, done = 0; done < steps; index++) {
    const end = Math.min(done + k1, steps);
    // Where the next window starts: the state there is what the next update is detached from. (Split the last
    // window there too, although nothing follows it, so that every full window records the same tape.)
    const next = Math.max(0, end - (k2 - k1));
    let outputs: Tensor;
    let state: S;
    let carry: S | undefined = from;
    if (next > start && next < end) {
      const first = run(start, next, from);
      const second = run(next, end, first.state);
      if (first.outputs.rank !== x.rank) {
        throw new ValueError(
          `tbptt: with k2 > k1 the layer must return every step's output, got outputs [${first.outputs.shape.join(',')}]`,
        );
      }
      [outputs, state, carry] = [concat([first.outputs, second.outputs], axis), second.state, first.state];
    } else {
      ({ outputs, state } = run(start, end, from));
      if (next === end) carry = state;
    }
    const [a, b] = [done, end];
    if (a > start) outputs = cut(outputs, a - start, b - start);
    onChunk({ index, start: a, end: b, outputs, state, slice: (t) => cut(t, a, b) });
    if (next !== start) from = detachState(carry);
    [start, done, final] = [next, end, state];
  }
  return detachState(final as S);
}
