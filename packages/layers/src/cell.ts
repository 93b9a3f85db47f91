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

/**
 * A cell whose step splits into a part that reads only the input and a part that reads the state. {@link Recurrent}
 * then applies {@link ProjectedCell.project} to the whole sequence at once (one [T·B, I] product instead of T
 * small ones, forward and backward) and calls {@link ProjectedCell.stepProjected} per step. The maths stays in
 * the two methods, in plain view; `step(x, s)` is simply `stepProjected(project(x), s)`.
 *
 * @typeParam S - the state: a Tensor or a tuple of Tensors.
 */
export abstract class ProjectedCell<S extends State = Tensor> extends Cell<S> {
  /** The input's contribution to the step, for inputs with any leading axes ([B, I] or [T, B, I]). */
  abstract project(x: Tensor): Tensor;
  /** One step from the projected input of that step. */
  abstract stepProjected(projected: Tensor, state: S): [Tensor, S];

  /** One step from the raw input: `stepProjected(project(x), state)`. */
  step(x: Tensor, state: S): [Tensor, S] {
    return this.stepProjected(this.project(x), state);
  }
}
