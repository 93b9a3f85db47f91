import type { Tensor } from '@loom/core';
import type { State } from '../cell.js';
import { Module } from '../module.js';

/**
 * The composition function of a binary tree network: how a leaf's state comes from its word vector and how an inner
 * node's state comes from its two children. {@link TreeNetwork} walks the trees and calls these three methods on
 * whole levels at once, so every tensor has a leading axis of N nodes.
 *
 * Write your own the way you write a {@link Cell}: fields for the parameters, the maths in `@loom/core` ops.
 *
 * @typeParam S - a node's state: a Tensor [N, ·] or a tuple of them (the Tree-LSTM's [h, c]).
 *
 * @example
 * ```ts
 * class SumTree extends BinaryTreeCell<Tensor> {
 *   readonly inputSize = 4;
 *   readonly outputSize = 4;
 *   leaf(x: Tensor) { return x; }
 *   compose(left: Tensor, right: Tensor) { return tanh(add(left, right)); }
 *   output(h: Tensor) { return h; }
 * }
 * ```
 */
export abstract class BinaryTreeCell<S extends State = Tensor> extends Module {
  /** Size of the word vectors the leaves take. */
  abstract readonly inputSize: number;
  /** Size of each node's output vector. */
  abstract readonly outputSize: number;
  /** The states of N leaves from their word vectors x [N, inputSize]. */
  abstract leaf(x: Tensor): S;
  /** The states of N inner nodes from their left and right children's states. */
  abstract compose(left: S, right: S): S;
  /** The output vectors [N, outputSize] of N nodes from their states (h for the Tree-LSTM). */
  abstract output(state: S): Tensor;
}
