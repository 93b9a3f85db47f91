import { describe, expect, it } from 'vitest';
import { ValueError, ShapeError, concat, gather, randn, stopGradient, sum, mul, type Tensor } from '@loom/core';
import { gradgradcheck } from '@loom/core/testing';
import { Embedding, RecursiveCell, TreeClassifier, TreeLSTMCell, TreeNetwork, functionalCall, isLeaf, type Tree } from '@loom/layers';
import { checkModule, f64, opts } from './_support.js';

const leaf = (word: number): Tree => ({ word });
const node = (left: Tree, right: Tree): Tree => ({ left, right });
// ((0 1) 2): 5 nodes, leaning left; (3 (1 (0 2))): 7 nodes, a right-leaning chain.
const balancedish = node(node(leaf(0), leaf(1)), leaf(2));
const unbalanced = node(leaf(3), node(leaf(1), node(leaf(0), leaf(2))));

function treeLSTM(seed: number) {
  return new TreeNetwork(new Embedding(4, 3, opts(seed)), new TreeLSTMCell(3, 2, opts(seed + 1)));
}
function recursiveNN(seed: number) {
  return new TreeNetwork(new Embedding(4, 3, opts(seed)), new RecursiveCell(3, opts(seed + 1)));
}

/** The same network evaluated node by node, one tree at a time, by plain recursion over the data. */
function oneByOne(net: TreeNetwork<Tensor> | TreeNetwork<[Tensor, Tensor]>, tree: Tree): Tensor {
  const cell = net.cell as unknown as { leaf(x: Tensor): unknown; compose(l: unknown, r: unknown): unknown; output(s: unknown): Tensor };
  const state = (t: Tree): unknown =>
    isLeaf(t) ? cell.leaf(net.embedding.forward([t.word])) : cell.compose(state(t.left), state(t.right));
  return cell.output(state(tree));
}

/** Equal up to rounding: a batched product may sum in another order than a one-row one. */
function close(a: Tensor, b: Tensor) {
  expect(a.shape).toEqual(b.shape);
  const want = b.toTypedArray();
  a.toTypedArray().forEach((v, k) => expect(v).toBeCloseTo(want[k]!, 12));
}

describe('TreeNetwork', () => {
  it.each([
    ['Tree-LSTM', treeLSTM],
    ['recursive NN', recursiveNN],
  ])('%s: level-by-level batching equals evaluating each tree on its own', (_, make) => {
    const net = make(1);
    const trees = [balancedish, leaf(2), unbalanced];
    const { roots, nodes, order } = net.forward(trees);
    expect(roots.shape).toEqual([3, net.cell.outputSize]);
    expect(nodes.shape).toEqual([13, net.cell.outputSize]);
    const expected = concat(
      trees.map((t) => oneByOne(net, t)),
      0,
    );
    close(roots, expected);
    // Every row of `nodes` is the output of the node that `order` names.
    const r = order.indexOf((unbalanced as { right: Tree }).right);
    close(gather(nodes, [r], 0), oneByOne(net, (unbalanced as { right: Tree }).right));
  });

  it.each([
    ['Tree-LSTM', treeLSTM],
    ['recursive NN', recursiveNN],
  ])('%s: gradcheck against every parameter on a 5-node tree, an unbalanced 7-node tree and both at once', (_, make) => {
    const net = make(2);
    for (const trees of [[balancedish], [unbalanced], [balancedish, unbalanced]]) {
      expect(
        checkModule(net, [], () => {
          const out = net.forward(trees);
          return [out.roots, out.nodes];
        }),
      ).toBe(true);
    }
  });

  it('Tree-LSTM: gradgradcheck against every parameter on a 3-node tree', () => {
    const net = treeLSTM(3);
    const params = net.parameters().map((p) => stopGradient(p));
    const f = (...ps: Tensor[]) => functionalCall(net, ps, () => net.forward([node(leaf(1), leaf(3))]).roots);
    expect(gradgradcheck(f, params)).toBe(true);
  });

  it('trees of a batch may share subtrees or repeat: each shared node is computed once', () => {
    const net = treeLSTM(8);
    const shared = (unbalanced as { right: Tree }).right;
    const { roots, nodes } = net.forward([unbalanced, node(shared, leaf(2)), unbalanced]);
    expect(nodes.shape[0]).toBe(7 + 2); // the second tree adds only its root and its leaf
    const alone = concat(
      [unbalanced, node(shared, leaf(2)), unbalanced].map((t) => oneByOne(net, t)),
      0,
    );
    close(roots, alone);
  });

  it('the classifier head reads the roots and trains with everything under it', () => {
    const model = new TreeClassifier(treeLSTM(4), 3);
    const logits = model.forward([balancedish, unbalanced]);
    expect(logits.shape).toEqual([2, 3]);
    sum(mul(logits, randn([2, 3], opts(9)))).backward();
    for (const [name, p] of model.namedParameters()) expect(p.grad, name).not.toBeNull();
    expect(checkModule(model, [], () => model.forward([unbalanced]))).toBe(true);
  });

  it('runs a chain 1000 levels deep: nothing recurses on the stack', () => {
    let tree: Tree = leaf(0);
    for (let i = 0; i < 1000; i++) tree = node(leaf(i % 4), tree);
    const net = recursiveNN(5);
    const { nodes } = net.forward([tree]);
    expect(nodes.shape).toEqual([2001, 3]);
    sum(net.forward([tree]).roots).backward();
    expect(net.embedding.weight.grad!.toTypedArray().every(Number.isFinite)).toBe(true);
  });

  it("Tree-LSTM: matches Tai et al.'s equations, written out in plain JS, on (word 1, word 3)", () => {
    const net = treeLSTM(7);
    const cell = net.cell as TreeLSTMCell;
    const H = 2;
    const sig = (v: number) => 1 / (1 + Math.exp(-v));
    const affine = (w: Tensor, b: Tensor, x: number[]) =>
      Array.from({ length: b.size }, (_, r) => x.reduce((acc, xi, k) => acc + w.data[r * x.length + k]! * xi, b.data[r]!));
    const part = (v: number[], k: number) => v.slice(k * H, (k + 1) * H);
    const leafState = (word: number) => {
      const x = Array.from(net.embedding.weight.data.slice(word * 3, word * 3 + 3));
      const g = affine(cell.weightLeaf, cell.biasLeaf, x);
      const c = part(g, 0).map((i, k) => sig(i) * Math.tanh(part(g, 2)[k]!));
      return { h: c.map((ck, k) => sig(part(g, 1)[k]!) * Math.tanh(ck)), c };
    };
    const [l, r] = [leafState(1), leafState(3)];
    const g = affine(cell.weightNode, cell.biasNode, [...l.h, ...r.h]);
    const [i, fl, fr, o, u] = [0, 1, 2, 3, 4].map((k) => part(g, k)) as [number[], number[], number[], number[], number[]];
    const c = i.map((ik, k) => sig(ik) * Math.tanh(u[k]!) + sig(fl[k]!) * l.c[k]! + sig(fr[k]!) * r.c[k]!);
    const h = c.map((ck, k) => sig(o[k]!) * Math.tanh(ck));
    const got = net.forward([node(leaf(1), leaf(3))]).roots.toTypedArray();
    h.forEach((v, k) => expect(got[k]).toBeCloseTo(v, 14));
  });
});

describe('TreeNetwork: bad trees are refused before any work, naming the node', () => {
  const net = recursiveNN(6);
  const refuse = (trees: unknown[], message: RegExp) => {
    expect(() => net.forward(trees as Tree[])).toThrow(ValueError);
    expect(() => net.forward(trees as Tree[])).toThrow(message);
  };

  it('a cycle', () => {
    const loop = { left: leaf(0), right: leaf(1) } as { left: Tree; right: Tree };
    loop.right = { left: leaf(2), right: loop } as Tree;
    refuse([leaf(1), loop], /TreeNetwork\(RecursiveCell\): trees\[1\]\.right\.right is its own ancestor trees\[1\] \(a cycle\)/);
  });

  it('a node with two parents (a DAG), even one that an earlier tree shares', () => {
    const shared = node(leaf(0), leaf(1));
    refuse([node(shared, shared)], /trees\[0\]\.right is the same node as trees\[0\]\.left; a node has one parent \(a DAG/);
    refuse([shared, node(node(leaf(2), shared), shared)], /trees\[1\]\.right is the same node as trees\[1\]\.left\.right/);
    const word = leaf(3);
    refuse([node(word, word)], /trees\[0\]\.right is the same node as trees\[0\]\.left/);
  });

  it('a word outside the vocabulary, or not a whole number', () => {
    refuse([node(leaf(0), node(leaf(4), leaf(1)))], /trees\[0\]\.right\.left has word 4, outside the vocabulary \(whole numbers 0…3\)/);
    refuse([leaf(-1)], /trees\[0\] has word -1/);
    refuse([leaf(1.5)], /trees\[0\] has word 1\.5/);
  });

  it('a node with one child, both a word and children, or neither', () => {
    refuse(
      [node(leaf(0), { left: leaf(1) } as unknown as Tree)],
      /trees\[0\]\.right has a left child but no right one; the network is binary/,
    );
    refuse([{ right: leaf(1) }], /trees\[0\] has a right child but no left one/);
    refuse([{ word: 1, left: leaf(0), right: leaf(1) }], /trees\[0\] has both a word and children/);
    refuse([{}], /trees\[0\] has neither a word nor children/);
    refuse([node(leaf(0), null as unknown as Tree)], /trees\[0\]\.right is null, not a tree node/);
    refuse([], /needs at least one tree/);
  });

  it('an embedding whose size does not fit the cell is a ShapeError', () => {
    expect(() => new TreeNetwork(new Embedding(4, 5, f64), new TreeLSTMCell(3, 2, f64))).toThrow(ShapeError);
    expect(() => new TreeNetwork(new Embedding(4, 5, f64), new TreeLSTMCell(3, 2, f64))).toThrow(
      'TreeNetwork: the embedding gives vectors of 5 features but TreeLSTMCell takes 3',
    );
  });

  it('an error inside a cell names the height it happened at', () => {
    const bad = new RecursiveCell(3, f64);
    bad.compose = (l: Tensor) => gather(l, [0], 5);
    const badNet = new TreeNetwork(new Embedding(4, 3, f64), bad);
    expect(() => badNet.forward([balancedish])).toThrow(/\(in TreeNetwork\(RecursiveCell\) at height 1\)/);
  });
});
