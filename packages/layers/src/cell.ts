import type { Tensor } from '@loom/core';
import { Module } from './module.js';

/** A recurrent state: one tensor (RNN, GRU) or a tuple of them (LSTM's [h, c]). */
export type State = Tensor | readonly Tensor[];

/**
 * One step of a recurrent network: `step(x, state) → [output, nextState]`. Implement `initialState` and `step`
 * with `@loom/core` ops, and {@link Recurrent} unrolls it over time; BPTT is the tape's ordinary backward over
 * that loop, so a custom cell needs nothing else.
 *
 * @typeParam S - the state: a Tensor or a tuple of Tensors.
 *
 * @example
 * ```ts
 * class MinGRU extends Cell<Tensor> {
 *   wx = glorotUniform([6, 8]); // [input, 2·hidden]
 *   wh = glorotUniform([4, 8]); // [hidden, 2·hidden]
 *   b = init.zeros([8]);
 *   initialState(batch: number) { return zeros([batch, 4]); }
 *   step(x: Tensor, h: Tensor): [Tensor, Tensor] {
 *     const [z, n] = split(add(add(matmul(x, this.wx), matmul(h, this.wh)), this.b), 2, -1);
 *     const next = lerp(tanh(n!), h, sigmoid(z!));
 *     return [next, next];
 *   }
 * }
 * ```
 */
export abstract class Cell<S extends State = Tensor> extends Module {
  /** Features per input step, when the cell knows it; {@link Recurrent} then checks its input against it. */
  readonly inputSize?: number;
  /** The state before the first step, for a batch of `batch` sequences (zeros for the built-in cells). */
  abstract initialState(batch: number): S;
  /** One time step: input [batch, inputSize] and state in, output [batch, outputSize] and next state out. */
  abstract step(x: Tensor, state: S): [Tensor, S];
}
