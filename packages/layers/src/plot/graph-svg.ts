import type { GraphNode, TapeGraph } from '@loom/core';
import { esc, px, svgDocument, text } from './_svg.js';
import { layout, type Placed } from './_layout.js';

/** Options of {@link graphSvg}. */
export interface GraphSvgOptions {
  /** The figure's title. */
  readonly title?: string;
  /** Draw scalar constants (the `2` of `mul(x, 2)`) as leaves too (default false: they clutter the picture). */
  readonly constants?: boolean;
}

const NODE_H = 34;
const ROW_GAP = 48;
const CHAR_W = 7;

/**
 * Draws a {@link TapeGraph} (from `recordGraph`) as a self-contained SVG, without Graphviz: time runs left to
 * right in columns (ranks by longest path), each op a box with its name and output shape, leaves (parameters,
 * inputs) as rounded yellow boxes copied beside their users in every step, and each time step's ops inside a
 * labelled frame. Tensors off the tape (constants, masks) are dashed; the returned tensors have a thick border.
 *
 * @example
 * ```ts
 * const { graph } = recordGraph(() => lstm.forward(x).outputs, { names: lstm.namedParameters() });
 * writeFileSync('lstm.svg', graphSvg(graph, { title: 'LSTM, 3 steps' }));
 * ```
 */
export function graphSvg(graph: TapeGraph, options: GraphSvgOptions = {}): string {
  const hide = (n: GraphNode) => options.constants !== true && n.leaf && !n.onTape && n.shape.every((d) => d === 1);
  const { nodes, clusters, ranks } = layout(graph, hide, ROW_GAP);
  const labelOf = (p: Placed) => [p.node.op, `[${p.node.shape.join(', ')}]`] as const;
  const widthOf = (p: Placed) => Math.max(64, ...labelOf(p).map((l) => l.length * CHAR_W + 16));
  const [left, top] = [24, options.title === undefined ? 44 : 70];
  // Each column is as wide as its widest box, plus room for the edges' bends.
  const colW = Array.from({ length: ranks }, (_, r) => Math.max(64, ...nodes.filter((p) => p.rank === r).map(widthOf)) + 40);
  const colX = colW.map((_, r) => left + colW.slice(0, r).reduce((a, b) => a + b, 0));
  const cx = (p: Placed) => colX[p.rank]! + colW[p.rank]! / 2;
  const cy = (p: Placed) => top + p.y + NODE_H / 2;
  const outputs = new Set(graph.outputs);

  const body = [
    '<defs><marker id="arrow" viewBox="0 0 8 8" refX="8" refY="4" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L8,4 L0,8 z" fill="#777"/></marker></defs>',
  ];
  if (options.title !== undefined) body.push(text(left, 30, options.title, 'start', 'font-size="16" font-weight="bold"'));
  for (const cluster of clusters) {
    const members = nodes.filter((p) => p.cluster === cluster);
    const x0 = Math.min(...members.map((p) => cx(p) - widthOf(p) / 2)) - 10;
    const x1 = Math.max(...members.map((p) => cx(p) + widthOf(p) / 2)) + 10;
    const y0 = Math.min(...members.map((p) => cy(p) - NODE_H / 2)) - 26;
    const y1 = Math.max(...members.map((p) => cy(p) + NODE_H / 2)) + 10;
    body.push(`<rect x="${px(x0)}" y="${px(y0)}" width="${px(x1 - x0)}" height="${px(y1 - y0)}" rx="10" fill="#f5f7fa" stroke="#9aa5b1"/>`);
    body.push(text(x0 + 10, y0 + 17, cluster, 'start', 'font-weight="bold" fill="#52606d"'));
  }
  for (const p of nodes) {
    for (const q of p.inputs) {
      const [x1, y1, x2, y2] = [cx(q) + widthOf(q) / 2, cy(q), cx(p) - widthOf(p) / 2, cy(p)];
      const bend = Math.max(20, (x2 - x1) / 2);
      const dash = q.node.onTape ? '' : ' stroke-dasharray="4 3"';
      body.push(
        `<path d="M${px(x1)},${px(y1)} C${px(x1 + bend)},${px(y1)} ${px(x2 - bend)},${px(y2)} ${px(x2)},${px(y2)}" fill="none" stroke="#999" stroke-width="1.2"${dash} marker-end="url(#arrow)"/>`,
      );
    }
  }
  for (const p of nodes) body.push(box(p, cx(p), cy(p), widthOf(p), outputs.has(p.node.id), labelOf(p)));
  const width = left * 2 + colW.reduce((a, b) => a + b, 0);
  const height = top + Math.max(0, ...nodes.map((p) => p.y)) + NODE_H + 24;
  return svgDocument(width, height, options.title ?? 'tape graph', body);
}

/** One node: a box (rounded and yellow for a leaf), op name in bold over the shape, a tooltip with both. */
function box(p: Placed, x: number, y: number, w: number, isOutput: boolean, [name, shape]: readonly [string, string]): string {
  const fill = p.node.leaf ? '#fff3c4' : p.node.onTape ? '#dbe8f6' : '#ffffff';
  const stroke = isOutput ? ' stroke-width="2.5"' : '';
  const dash = p.node.onTape ? '' : ' stroke-dasharray="4 3"';
  const step = p.node.step === null ? '' : `, ${p.node.step.layer} t=${p.node.step.t}`;
  return [
    `<g><title>${esc(`${name} ${shape} ${p.node.dtype}${step}`)}</title>`,
    `<rect x="${px(x - w / 2)}" y="${px(y - NODE_H / 2)}" width="${px(w)}" height="${NODE_H}" rx="${p.node.leaf ? 12 : 3}" fill="${fill}" stroke="#4a5568"${stroke}${dash}/>`,
    text(x, y - 3, name, 'middle', 'font-weight="bold"'),
    text(x, y + 11, shape, 'middle', 'font-size="10" fill="#52606d"'),
    '</g>',
  ].join('');
}
