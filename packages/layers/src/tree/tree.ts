import { ValueError } from '@loom/core';

/** A leaf of a {@link Tree}: one word, as its id in the vocabulary (a whole number in 0…count − 1). */
export interface TreeLeaf {
  /** The word's id: the row of the network's embedding table. */
  readonly word: number;
  /** An optional class of this phrase (e.g. its sentiment); the networks ignore it, your loss may use it. */
  readonly label?: number;
}

/** An inner node of a {@link Tree}: exactly two children, composed left and right. */
export interface TreeBranch {
  /** The left child. */
  readonly left: Tree;
  /** The right child. */
  readonly right: Tree;
  /** An optional class of this phrase (e.g. its sentiment); the networks ignore it, your loss may use it. */
  readonly label?: number;
}

/**
 * A binary tree given as data: a leaf holds a word id, an inner node holds two subtrees. Plain objects, so a parse
 * from JSON (a Stanford Sentiment Treebank tree, say) is a tree as it stands.
 *
 * Rules, checked by every tree network before it computes anything (a `ValueError` names the node by its path,
 * e.g. `trees[2].left.right`):
 * - a node is either a leaf (`word`, no children) or an inner node (both `left` and `right`, no `word`);
 * - a word is a whole number inside the vocabulary;
 * - no node is reached twice within a tree: a cycle, or a node with two parents (a DAG), is refused.
 *
 * Different trees of one batch may share subtrees, or be the same tree (a batch sampled with replacement): a shared
 * node is computed once.
 *
 * Depth: nothing recurses on the JavaScript stack (checking, scheduling and the tape's backward sweep are
 * iterative), so depth is limited by memory and time only. A chain of n leaves runs n − 1 sequential levels.
 *
 * @example
 * ```ts
 * // "not (very good)", with word ids not = 0, very = 1, good = 2, and the root labelled negative (0)
 * const tree: Tree = { label: 0, left: { word: 0 }, right: { left: { word: 1 }, right: { word: 2 } } };
 * ```
 */
export type Tree = TreeLeaf | TreeBranch;

/** Whether `node` is a leaf (holds a word) rather than an inner node. */
export function isLeaf(node: Tree): node is TreeLeaf {
  return 'word' in node;
}

/** One level of a {@link TreeSchedule}: the nodes of one height, as rows of the node table and their children's rows. */
export interface TreeLevel {
  /** Row of each node's left child. */
  readonly left: readonly number[];
  /** Row of each node's right child. */
  readonly right: readonly number[];
}

/**
 * The order in which a batch of trees is computed. Rows of the node table are grouped by height (0 for a leaf, else
 * 1 + the taller child's height): first every leaf, then every node of height 1, and so on, so that all nodes of one
 * height, across the whole batch, are composed in one call.
 */
export interface TreeSchedule {
  /** The word of each leaf; leaves are rows 0…words.length − 1. */
  readonly words: readonly number[];
  /** The inner nodes of height 1, 2, …; their rows follow the leaves, level after level. */
  readonly levels: readonly TreeLevel[];
  /** The row of each tree's root. */
  readonly roots: readonly number[];
  /** The node of each row: `nodes[r]` is the node whose state is row r of the table. */
  readonly nodes: readonly Tree[];
}

/**
 * Checks a batch of trees (see {@link Tree} for the rules) and plans their level-by-level computation. `name` starts
 * every error message; `vocabulary` is the number of word ids.
 */
export function scheduleTrees(name: string, trees: readonly Tree[], vocabulary: number): TreeSchedule {
  if (trees.length === 0) throw new ValueError(`${name}: needs at least one tree`);
  const height = new Map<Tree, number>(); // every node scheduled so far, by any tree
  const byHeight: Tree[][] = [];
  trees.forEach((tree, t) => {
    const pathOf = new Map<Tree, string>(); // nodes of this tree entered so far, with their paths
    const open = new Set<Tree>(); // nodes whose subtree is being walked: reaching one again is a cycle
    // Iterative post-order walk: an entry with `exit` comes back to a node after its children.
    const stack: { node: Tree; path: string; exit: boolean }[] = [{ node: tree, path: `trees[${t}]`, exit: false }];
    while (stack.length > 0) {
      const { node, path, exit } = stack.pop()!;
      if (exit) {
        open.delete(node);
        if (height.has(node)) continue; // already scheduled as part of an earlier tree
        const h = isLeaf(node) ? 0 : 1 + Math.max(height.get(node.left)!, height.get(node.right)!);
        height.set(node, h);
        (byHeight[h] ??= []).push(node);
        continue;
      }
      checkNode(name, node, path, vocabulary);
      if (open.has(node)) throw new ValueError(`${name}: ${path} is its own ancestor ${pathOf.get(node)} (a cycle)`);
      if (pathOf.has(node)) {
        throw new ValueError(`${name}: ${path} is the same node as ${pathOf.get(node)}; a node has one parent (a DAG is not a tree)`);
      }
      pathOf.set(node, path);
      open.add(node);
      stack.push({ node, path, exit: true });
      if (!isLeaf(node)) {
        stack.push({ node: node.right, path: `${path}.right`, exit: false });
        stack.push({ node: node.left, path: `${path}.left`, exit: false });
      }
    }
  });
  const nodes = byHeight.flat();
  const row = new Map(nodes.map((n, r) => [n, r]));
  const rowOf = (n: Tree) => row.get(n)!;
  return {
    words: (byHeight[0] as TreeLeaf[]).map((leaf) => leaf.word),
    levels: byHeight.slice(1).map((level) => ({
      left: (level as TreeBranch[]).map((n) => rowOf(n.left)),
      right: (level as TreeBranch[]).map((n) => rowOf(n.right)),
    })),
    roots: trees.map(rowOf),
    nodes,
  };
}

function checkNode(name: string, node: unknown, path: string, vocabulary: number): asserts node is Tree {
  if (typeof node !== 'object' || node === null) {
    throw new ValueError(`${name}: ${path} is ${node === null ? 'null' : typeof node}, not a tree node ({ word } or { left, right })`);
  }
  const has = (key: string) => key in node && (node as Record<string, unknown>)[key] !== undefined;
  const [word, left, right] = [has('word'), has('left'), has('right')];
  if (word && (left || right)) throw new ValueError(`${name}: ${path} has both a word and children; a node is a leaf or an inner node`);
  if (word) {
    const w = (node as { word: unknown }).word;
    if (typeof w !== 'number' || !Number.isInteger(w) || w < 0 || w >= vocabulary) {
      throw new ValueError(`${name}: ${path} has word ${String(w)}, outside the vocabulary (whole numbers 0…${vocabulary - 1})`);
    }
  } else if (left !== right) {
    throw new ValueError(
      `${name}: ${path} has a ${left ? 'left' : 'right'} child but no ${left ? 'right' : 'left'} one; the network is binary ` +
        '(fold a one-child node into its child)',
    );
  } else if (!left) {
    throw new ValueError(`${name}: ${path} has neither a word nor children`);
  }
}
