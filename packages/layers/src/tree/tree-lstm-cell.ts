import { add, concat, linear, mul, sigmoid, split, tanh, type Tensor } from '@loom/core';
import { rnnUniform, type InitOptions } from '../init.js';
import type { Parameter } from '../parameter.js';
import { BinaryTreeCell } from './tree-cell.js';

/** Options of {@link TreeLSTMCell}. */
export interface TreeLSTMCellOptions extends InitOptions {
  /** Initial value of both forget gates' biases, e.g. 1 to keep the children's memory by default. Default: random. */
  readonly forgetBias?: number;
}

/**
 * The Binary Tree-LSTM of Tai, Socher & Manning (2015), their N-ary Tree-LSTM with N = 2: each child has its own
 * forget gate, and every gate sees both children through its own weights, so the cell can tell left from right
 * (a negation on the left flips the phrase on its right). Words enter at the leaves only, as in constituency trees:
 *
 * ```text
 * leaf (word vector x):    i, o, u = σ(·), σ(·), tanh(·) of W_x x + b_x
 *                          c = i ⊙ u;   h = o ⊙ tanh(c)
 * inner ((h_l, c_l), (h_r, c_r)):
 *   i, f_l, f_r, o, u  =  σ, σ, σ, σ, tanh of W_h [h_l; h_r] + b_h
 *   c = i ⊙ u + f_l ⊙ c_l + f_r ⊙ c_r;   h = o ⊙ tanh(c)
 * ```
 *
 * The leaf rule is the inner rule with zero children and the input term W x in place of W_h [h_l; h_r].
 *
 * Shapes: x [N, I]; state [h [N, H], c [N, H]]; output h [N, H]. Parameters: `weightLeaf` [3H, I] and `biasLeaf` [3H]
 * (rows i, o, u), `weightNode` [5H, 2H] and `biasNode` [5H] (rows i, f_l, f_r, o, u; columns h_l then h_r). All
 * start U(−1/√H, 1/√H).
 *
 * @example
 * ```ts
 * const net = new TreeNetwork(new Embedding(vocab, 16), new TreeLSTMCell(16, 32));
 * net.forward(trees).roots; // [trees.length, 32]
 * ```
 */
export class TreeLSTMCell extends BinaryTreeCell<[Tensor, Tensor]> {
  /** Leaf gates from the word vector, [3H, I] (i, o, u). */
  readonly weightLeaf: Parameter;
  /** Leaf bias [3H]. */
  readonly biasLeaf: Parameter;
  /** Inner gates from the children's h, [5H, 2H] (i, f_l, f_r, o, u). */
  readonly weightNode: Parameter;
  /** Inner bias [5H]. */
  readonly biasNode: Parameter;
  /** Equal to `hiddenSize`. */
  readonly outputSize: number;

  /** A Tree-LSTM from word vectors of `inputSize` to `hiddenSize` units. */
  constructor(
    /** Size of the word vectors, I. */
    readonly inputSize: number,
    /** Number of hidden units, H. */
    readonly hiddenSize: number,
    options: TreeLSTMCellOptions = {},
  ) {
    super();
    const H = hiddenSize;
    this.outputSize = H;
    this.weightLeaf = rnnUniform([3 * H, inputSize], H, options);
    this.biasLeaf = rnnUniform([3 * H], H, options);
    this.weightNode = rnnUniform([5 * H, 2 * H], H, options);
    this.biasNode = rnnUniform([5 * H], H, options);
    if (options.forgetBias !== undefined) this.biasNode.data.fill(options.forgetBias, H, 3 * H);
  }

  /** c = i ⊙ u, h = o ⊙ tanh(c) from the word vectors x [N, I]. */
  leaf(x: Tensor): [Tensor, Tensor] {
    const gates = linear(x, this.weightLeaf, this.biasLeaf);
    const [i, o, u] = split(gates, 3, -1) as [Tensor, Tensor, Tensor];
    const c = mul(sigmoid(i), tanh(u));
    return [mul(sigmoid(o), tanh(c)), c];
  }

  /** The inner rule of the class equations, for N nodes at once. */
  compose([hl, cl]: [Tensor, Tensor], [hr, cr]: [Tensor, Tensor]): [Tensor, Tensor] {
    const gates = linear(concat([hl, hr], -1), this.weightNode, this.biasNode);
    const [i, fl, fr, o, u] = split(gates, 5, -1) as [Tensor, Tensor, Tensor, Tensor, Tensor];
    const c = add(mul(sigmoid(i), tanh(u)), add(mul(sigmoid(fl), cl), mul(sigmoid(fr), cr)));
    return [mul(sigmoid(o), tanh(c)), c];
  }

  /** h. */
  output([h]: [Tensor, Tensor]): Tensor {
    return h;
  }
}
