// A small layered layout for tape graphs (a simplified Sugiyama scheme): ranks by longest path from the inputs,
// time-step clusters kept in their own run of ranks, leaves copied next to their users in each cluster, order in
// a rank by barycentres, and vertical positions pulled toward neighbours. Good enough for a few hundred nodes.
import type { GraphNode, TapeGraph } from '@loom/core';

/** A node as drawn: an op, or one copy of a leaf for one cluster. */
export interface Placed {
  readonly node: GraphNode;
  /** The cluster (time step) it is drawn in, or null. */
  readonly cluster: string | null;
  readonly inputs: Placed[];
  readonly outputs: Placed[];
  rank: number;
  y: number;
}

/** The laid-out graph: nodes with rank (column) and y, clusters in the order they ran. */
export interface Layout {
  readonly nodes: readonly Placed[];
  readonly clusters: readonly string[];
  readonly ranks: number;
}

/** The cluster key of a node: layer and time step, or null outside any step. */
export function clusterOf(n: GraphNode): string | null {
  return n.step === null ? null : `${n.step.layer}  t = ${n.step.t}`;
}

/** Lays out `graph`; `hide(n)` leaves a leaf out (e.g. scalar constants), together with its edges. */
export function layout(graph: TapeGraph, hide: (n: GraphNode) => boolean, rowGap: number): Layout {
  const nodes: Placed[] = [];
  const ops = new Map<number, Placed>();
  const copies = new Map<string, Placed>();
  const clusters: string[] = [];
  const place = (node: GraphNode, cluster: string | null): Placed => {
    const p: Placed = { node, cluster, inputs: [], outputs: [], rank: 0, y: 0 };
    nodes.push(p);
    return p;
  };
  for (const n of graph.nodes) {
    if (n.leaf) continue;
    const cluster = clusterOf(n);
    if (cluster !== null && !clusters.includes(cluster)) clusters.push(cluster);
    const p = place(n, cluster);
    ops.set(n.id, p);
    for (const i of n.inputs) {
      const input = graph.nodes[i]!;
      if (input.leaf && hide(input)) continue;
      // A leaf read by several steps is drawn once per step, beside its users, instead of one long edge each.
      const key = `${i}|${cluster}`;
      const from = input.leaf ? (copies.get(key) ?? copies.set(key, place(input, cluster)).get(key)!) : ops.get(i)!;
      p.inputs.push(from);
      from.outputs.push(p);
    }
  }
  // Lone leaves (the function returned an input as is) still get drawn.
  for (const id of graph.outputs) if (graph.nodes[id]!.leaf && !ops.has(id)) place(graph.nodes[id]!, null);
  assignRanks(nodes);
  const ranks = Math.max(0, ...nodes.map((p) => p.rank)) + 1;
  placeVertically(nodes, ranks, rowGap);
  return { nodes, clusters, ranks };
}

/**
 * Longest-path ranks, in the order the ops ran: a cluster starts two ranks (one for its leaves) after every op that
 * ran before it, and an op outside the steps goes after every step that ran before it.
 */
function assignRanks(nodes: readonly Placed[]): void {
  const floor = new Map<string, number>();
  let reached = 0; // the last rank of any op so far
  let stepsEnd = 0; // the last rank of any op inside a step so far
  for (const p of nodes) {
    if (p.node.leaf) continue;
    if (p.cluster !== null && !floor.has(p.cluster)) floor.set(p.cluster, reached + 2);
    const fromInputs = Math.max(1, ...p.inputs.filter((q) => !q.node.leaf).map((q) => q.rank + 1));
    // An op outside the steps that ran after some step (say stacking the outputs) goes after that step's box.
    p.rank = Math.max(fromInputs, p.cluster === null ? stepsEnd + 1 : floor.get(p.cluster)!);
    reached = Math.max(reached, p.rank);
    if (p.cluster !== null) stepsEnd = Math.max(stepsEnd, p.rank);
  }
  for (const p of nodes) if (p.node.leaf) p.rank = p.outputs.length === 0 ? 0 : Math.max(0, Math.min(...p.outputs.map((q) => q.rank)) - 1);
}

/** Orders each rank by barycentres, then sets y: pulled toward neighbours, never closer than `gap`. */
function placeVertically(nodes: readonly Placed[], ranks: number, gap: number): void {
  const byRank: Placed[][] = Array.from({ length: ranks }, () => []);
  for (const p of nodes) byRank[p.rank]!.push(p);
  byRank.forEach((col) => col.forEach((p, i) => (p.y = i * gap)));
  const mean = (ps: readonly Placed[], fallback: number) => (ps.length === 0 ? fallback : ps.reduce((s, q) => s + q.y, 0) / ps.length);
  const settle = (col: Placed[], want: (p: Placed) => number) => {
    for (const p of col) p.y = want(p);
    // Nodes outside any step go below the step's nodes, so that they never sit inside its box.
    col.sort((p, q) => Number(p.cluster === null) - Number(q.cluster === null) || p.y - q.y);
    for (let i = 1; i < col.length; i++) col[i]!.y = Math.max(col[i]!.y, col[i - 1]!.y + gap);
  };
  for (let sweep = 0; sweep < 3; sweep++) {
    for (const col of byRank) settle(col, (p) => mean(p.inputs, p.y));
    for (let r = ranks - 1; r >= 0; r--) settle(byRank[r]!, (p) => (p.inputs.length === 0 || p.node.leaf ? mean(p.outputs, p.y) : p.y));
  }
  const top = Math.min(...nodes.map((p) => p.y));
  for (const p of nodes) p.y -= top;
}
