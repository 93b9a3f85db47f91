// A toy sentiment treebank: short phrases as binary trees, whose sentiment is composed along the tree. A word has
// polarity +1, −1 or 0, a pair of phrases adds up, and "not" flips the phrase it is paired with. The label is the
// sign of the root's value. Negation is what defeats a bag of words: "not (good bad good)" and
// "(not good) (bad good)" hold the same words, with opposite labels.
import type { Generator } from '@loom/core';
import type { Tree } from '@loom/layers';

/** The vocabulary: id = index. */
export const WORDS = ['not', 'good', 'great', 'fun', 'bad', 'awful', 'dull', 'the', 'movie', 'plot', 'was'] as const;
const POLARITY: Record<string, number> = { good: 1, great: 1, fun: 1, bad: -1, awful: -1, dull: -1 };
const NOT = 0;

/** A labelled tree: label 1 = positive, 0 = negative. */
export type LabelledTree = Tree & { readonly label: number };

/** The sentiment value of a phrase: leaves by polarity, sums over pairs, "not X" is −X. */
export function value(tree: Tree): number {
  if ('word' in tree) return POLARITY[WORDS[tree.word]!] ?? 0;
  if ('word' in tree.left && tree.left.word === NOT) return -value(tree.right);
  return value(tree.left) + value(tree.right);
}

/** A random phrase of at most `depth` levels below it. */
function phrase(g: Generator, depth: number): Tree {
  const u = g.uniform();
  if (depth === 0 || u < 0.25) return { word: g.int(1, WORDS.length) }; // any word but "not"
  if (u < 0.55) return { left: { word: NOT }, right: phrase(g, depth - 1) };
  return { left: phrase(g, depth - 1), right: phrase(g, depth - 1) };
}

/** `count` trees with a nonzero value and at least one "not", labelled by the sign of their value. */
export function makeTreebank(count: number, g: Generator, depth = 4): LabelledTree[] {
  const out: LabelledTree[] = [];
  while (out.length < count) {
    const tree = phrase(g, depth);
    const v = value(tree);
    if (v !== 0 && words(tree).includes(NOT)) out.push({ ...tree, label: v > 0 ? 1 : 0 });
  }
  return out;
}

/** The words of a tree, left to right. */
export function words(tree: Tree): number[] {
  const out: number[] = [];
  const stack: Tree[] = [tree];
  while (stack.length > 0) {
    const t = stack.pop()!;
    if ('word' in t) out.push(t.word);
    else stack.push(t.right, t.left);
  }
  return out;
}

/** "(not (good bad))". */
export function show(tree: Tree): string {
  return 'word' in tree ? WORDS[tree.word]! : `(${show(tree.left)} ${show(tree.right)})`;
}
