import { LoomError, ShapeError, Tensor, concat, gather } from '@loom/core';
import type { State } from '../cell.js';
import type { Embedding } from '../embedding.js';
import { Linear } from '../linear.js';
import { Module } from '../module.js';
import { mapState } from '../state.js';
import { scheduleTrees, type Tree } from './tree.js';
import type { BinaryTreeCell } from './tree-cell.js';

/** What {@link TreeNetwork.forward} returns. */
export interface TreeNetworkOutput {
  /** The output vector of each tree's root, [B, outputSize], in the order of the trees. */
  readonly roots: Tensor;
  /** The output vector of every node of every tree, [N, outputSize]; row r belongs to `order[r]`. */
  readonly nodes: Tensor;
  /** The node of each row of `nodes`: leaves first, then inner nodes by height (see {@link TreeSchedule}). */
  readonly order: readonly Tree[];
}

/**
 * A recursive network over binary trees given as data ({@link Tree}): the graph follows each tree, leaves from an
 * {@link Embedding} of their words, inner nodes from a {@link BinaryTreeCell} of their two children. The backward pass
 * is the tape's ordinary one over that graph.
 *
 * Batching is level by level: every leaf of the batch is embedded in one lookup, then all nodes of height 1 (across
 * all trees) are composed in one call, then height 2, and so on, so a batch costs one cell call per level of its
 * tallest tree instead of one per node. Each level gathers its children's rows from the node table and appends its
 * own, so the work is that of the nodes plus O(N · levels) copying.
 *
 * The trees are checked before anything is computed: a cycle, a node shared by two parents, a node with one child,
 * or a word outside the embedding's vocabulary is a `ValueError` naming the node by its path (`trees[1].left.right`).
 *
 * Shapes: B trees with N nodes in all → `roots` [B, O], `nodes` [N, O], O the cell's `outputSize`.
 *
 * @example
 * ```ts
 * const net = new TreeNetwork(new Embedding(100, 16), new TreeLSTMCell(16, 32));
 * const { roots } = net.forward([{ left: { word: 3 }, right: { left: { word: 7 }, right: { word: 1 } } }]);
 * roots.shape; // [1, 32]
 * ```
 */
export class TreeNetwork<S extends State> extends Module {
  /** Composes {@link TreeNetwork.embedding} and {@link TreeNetwork.cell}; their sizes must agree. */
  constructor(
    /** The word vectors of the leaves. */
    readonly embedding: Embedding,
    /** The composition of nodes. */
    readonly cell: BinaryTreeCell<S>,
  ) {
    super();
    if (embedding.dim !== cell.inputSize) {
      throw new ShapeError(
        `TreeNetwork: the embedding gives vectors of ${embedding.dim} features but ${cell.constructor.name} takes ${cell.inputSize}`,
      );
    }
  }

  /** Runs the cell over every node of `trees`, children before parents. */
  forward(trees: readonly Tree[]): TreeNetworkOutput {
    const name = `TreeNetwork(${this.cell.constructor.name})`;
    const plan = scheduleTrees(name, trees, this.embedding.count);
    let table = atHeight(name, 0, () => this.cell.leaf(this.embedding.forward([...plan.words])));
    plan.levels.forEach((level, i) => {
      atHeight(name, i + 1, () => {
        const left = eachTensor(table, (t) => gather(t, level.left, 0));
        const right = eachTensor(table, (t) => gather(t, level.right, 0));
        table = mapState(table, this.cell.compose(left, right), (done, added) => concat([done, added], 0));
      });
    });
    const nodes = this.cell.output(table);
    return { roots: gather(nodes, plan.roots, 0), nodes, order: plan.nodes };
  }
}

/**
 * A tree network with a linear classification head on each root: logits [B, classes], for `crossEntropy` against the
 * roots' labels. The head reads the root's output vector (h for the Tree-LSTM).
 *
 * @example
 * ```ts
 * const model = new TreeClassifier(new TreeNetwork(new Embedding(vocab, 16), new TreeLSTMCell(16, 32)), 2);
 * const loss = crossEntropy(model.forward(trees), trees.map((t) => t.label!));
 * ```
 */
export class TreeClassifier<S extends State> extends Module {
  /** The root's output → class logits. */
  readonly head: Linear;

  /** A head of `classes` outputs on `network`. */
  constructor(
    /** The tree network whose roots are classified. */
    readonly network: TreeNetwork<S>,
    /** Number of classes. */
    readonly classes: number,
  ) {
    super();
    this.head = new Linear(network.cell.outputSize, classes, { dtype: network.embedding.weight.dtype });
  }

  /** Class logits of each tree's root, [B, classes]. */
  forward(trees: readonly Tree[]): Tensor {
    return this.head.forward(this.network.forward(trees).roots);
  }
}

function eachTensor<S extends State>(s: S, f: (t: Tensor) => Tensor): S {
  return (s instanceof Tensor ? f(s) : s.map(f)) as S;
}

/** Runs the work of one height, adding the height to any loom error so that a bad shape in a cell says where it was. */
function atHeight<T>(name: string, height: number, work: () => T): T {
  try {
    return work();
  } catch (e) {
    if (!(e instanceof LoomError) || e.message.includes(' (in TreeNetwork')) throw e;
    const Kind = e.constructor as new (message: string) => LoomError;
    throw new Kind(`${e.message} (in ${name} at height ${height})`);
  }
}
