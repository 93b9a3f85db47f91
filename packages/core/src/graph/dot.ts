import { fmtShape } from '../errors.js';
import type { GraphNode, TapeGraph } from './record.js';

/** Options of {@link toDot}. */
export interface DotOptions {
  /** The graph's title, shown above it. */
  readonly title?: string;
  /** Graphviz's rank direction: `'LR'` (default, time runs left to right) or `'TB'`. */
  readonly rankdir?: 'LR' | 'TB';
}

/**
 * Writes a {@link TapeGraph} as Graphviz DOT text: one box per op with its name and shape, leaves as ellipses,
 * tensors off the tape (constants, masks) dashed, the returned tensors bold, and the ops of each time step in a
 * cluster labelled with the layer and step. Render it with `dot -Tsvg graph.dot > graph.svg`.
 *
 * @example
 * ```ts
 * const { graph } = recordGraph(() => rnn.forward(x).outputs);
 * toDot(graph, { title: 'RNN, 3 steps' }); // 'digraph loom {\n  rankdir=LR; …'
 * ```
 */
export function toDot(graph: TapeGraph, options: DotOptions = {}): string {
  const lines = ['digraph loom {', `  rankdir=${options.rankdir ?? 'LR'};`, '  node [fontname="Helvetica", fontsize=10];'];
  if (options.title !== undefined) lines.push(`  label=${quote(options.title)}; labelloc=t;`);
  const outputs = new Set(graph.outputs);
  const clusters = new Map<string, GraphNode[]>();
  const loose: GraphNode[] = [];
  for (const n of graph.nodes) {
    if (n.step === null) loose.push(n);
    else {
      const key = `${n.step.layer} t=${n.step.t}`;
      clusters.set(key, [...(clusters.get(key) ?? []), n]);
    }
  }
  const nodeLine = (n: GraphNode, indent: string) => {
    const style = [n.leaf ? 'shape=ellipse' : 'shape=box', n.onTape ? '' : 'style=dashed', outputs.has(n.id) ? 'penwidth=2' : '']
      .filter((s) => s !== '')
      .join(', ');
    return `${indent}n${n.id} [label=${quote(`${n.op}\n${fmtShape(n.shape)}`)}, ${style}];`;
  };
  loose.forEach((n) => lines.push(nodeLine(n, '  ')));
  [...clusters].forEach(([label, members], i) => {
    lines.push(`  subgraph cluster_${i} {`, `    label=${quote(label)}; style=rounded; color=gray60;`);
    members.forEach((n) => lines.push(nodeLine(n, '    ')));
    lines.push('  }');
  });
  for (const n of graph.nodes) for (const x of n.inputs) lines.push(`  n${x} -> n${n.id};`);
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

/** A DOT string literal: backslashes and quotes escaped, newlines as DOT's centred line breaks. */
function quote(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r?\n/g, '\\n')}"`;
}
