import { concat, linear, tanh, type Tensor } from '@loom/core';
import { rnnUniform, type InitOptions } from '../init.js';
import type { Parameter } from '../parameter.js';
import { BinaryTreeCell } from './tree-cell.js';

/**
 * The plain recursive neural network of Socher et al. (2011): a leaf is its word vector, and an inner node is one
 * tanh layer over its two children, side by side:
 *
 * ```text
 * leaf:   h = x
 * inner:  h = tanh(W [h_l; h_r] + b)
 * ```
 *
 * Shapes: x and h [N, H] (word vectors live in the same space as phrases, so the word vectors have H features).
 * Parameters: `weight` [H, 2H] (columns h_l then h_r) and `bias` [H], starting U(−1/√H, 1/√H).
 *
 * @example
 * ```ts
 * const net = new TreeNetwork(new Embedding(vocab, 16), new RecursiveCell(16));
 * net.forward(trees).roots; // [trees.length, 16]
 * ```
 */
export class RecursiveCell extends BinaryTreeCell<Tensor> {
  /** [H, 2H]. */
  readonly weight: Parameter;
  /** [H]. */
  readonly bias: Parameter;
  /** Equal to `hiddenSize`: leaves are word vectors. */
  readonly inputSize: number;
  /** Equal to `hiddenSize`. */
  readonly outputSize: number;

  /** A recursive network over vectors of `hiddenSize` features. */
  constructor(
    /** Size of word and phrase vectors, H. */
    readonly hiddenSize: number,
    options: InitOptions = {},
  ) {
    super();
    this.inputSize = this.outputSize = hiddenSize;
    this.weight = rnnUniform([hiddenSize, 2 * hiddenSize], hiddenSize, options);
    this.bias = rnnUniform([hiddenSize], hiddenSize, options);
  }

  /** h = x. */
  leaf(x: Tensor): Tensor {
    return x;
  }

  /** h = tanh(W [h_l; h_r] + b). */
  compose(left: Tensor, right: Tensor): Tensor {
    return tanh(linear(concat([left, right], -1), this.weight, this.bias));
  }

  /** h. */
  output(h: Tensor): Tensor {
    return h;
  }
}
