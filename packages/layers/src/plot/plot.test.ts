import { describe, expect, it } from 'vitest';
import { ValueError, randn, recordGraph, seed } from '@loom/core';
import { LSTMCell } from '../cells/lstm-cell.js';
import { Recurrent } from '../recurrent.js';
import { checkWellFormed } from '../../test/_xml.js';
import { curvesSvg, parseMetrics } from './curves.js';
import { graphSvg } from './graph-svg.js';
import { heatmapSvg } from './heatmap.js';
import { esc } from './_svg.js';
import { logTicks } from './_axes.js';

const LOG = [
  '{"type":"batch","epoch":0,"step":1,"loss":2.5,"accuracy":0.25,"time":"2026-11-25T13:00:00Z"}',
  '',
  '{"type":"epoch","epoch":0,"step":2,"loss":2.0,"val_loss":null}',
  '{"type":"batch","epoch":1,"step":3,"loss":1.25,"accuracy":0.5,"lr":0.01}',
].join('\n');

describe('parseMetrics', () => {
  it('keeps numeric fields, turns null into NaN, filters by type and skips blank lines', () => {
    const rows = parseMetrics(LOG);
    expect(rows).toHaveLength(3);
    expect(rows[0]).toEqual({ epoch: 0, step: 1, loss: 2.5, accuracy: 0.25 });
    expect(rows[1]!.val_loss).toBeNaN();
    expect(parseMetrics(LOG, { type: 'batch' }).map((r) => r.step)).toEqual([1, 3]);
  });

  it('names the source and line of a damaged record', () => {
    expect(() => parseMetrics('{"step":1}\n{"step":', { source: 'm.jsonl' })).toThrow(ValueError);
    expect(() => parseMetrics('{"step":1}\n{"step":', { source: 'm.jsonl' })).toThrow(/m\.jsonl line 2 is not JSON/);
    expect(() => parseMetrics('[1,2]')).toThrow(/input line 1 is not a JSON object/);
  });
});

describe('curvesSvg', () => {
  it('draws one panel per field and one line per run, as well-formed XML with escaped names', () => {
    const rows = parseMetrics(LOG, { type: 'batch' });
    const svg = curvesSvg(
      [
        { name: 'RNN <tanh> & co', rows },
        { name: 'LSTM', rows: rows.map((r) => ({ ...r, loss: r.loss! / 2 })) },
      ],
      { title: 'a "title"', logY: true },
    );
    expect(checkWellFormed(svg)).toBe('svg');
    expect(svg).toContain('RNN &lt;tanh&gt; &amp; co');
    expect(svg).toContain('a &quot;title&quot;');
    expect(svg.match(/<path d="M/g)).toHaveLength(6); // 3 fields (loss, accuracy, lr) × 2 runs
    expect(svg).toContain('loss (log scale)');
    expect(svg).not.toContain('>epoch<'); // bookkeeping fields are not plotted by default
  });

  it('leaves a gap at a missing value instead of drawing through it', () => {
    const rows = [
      { step: 0, loss: 1 },
      { step: 1, loss: NaN },
      { step: 2, loss: 0.5 },
      { step: 3, loss: 0.25 },
    ];
    const d = /<path d="([^"]+)"/.exec(curvesSvg([{ name: 'a', rows }]))![1]!;
    expect(d.match(/M/g)).toHaveLength(2);
    expect(d.match(/L/g)).toHaveLength(1);
  });
});

describe('heatmapSvg', () => {
  it('colours each cell on a log scale, greys out zeros, and labels the axes and the colour bar', () => {
    const svg = heatmapSvg(
      [
        [1e-6, 1e-3, 1],
        [0, 1e-2, 10],
      ],
      { title: 'norms & more', rowValues: [0, 50] },
    );
    expect(checkWellFormed(svg)).toBe('svg');
    const fills = [...svg.matchAll(/<rect [^>]*fill="([^"]+)"><title>/g)].map((m) => m[1]);
    expect(fills).toHaveLength(6);
    expect(fills[0]).toBe('rgb(68,1,84)'); // the smallest value: the dark end of viridis
    expect(fills[5]).toBe('rgb(253,231,37)'); // the largest: the bright end
    expect(fills[3]).toBe('#bbbbbb'); // zero has no place on a log scale
    expect(svg).toContain('norms &amp; more');
    for (const label of ['time step t', 'training step', '‖∂L/∂h_t‖', '>50<', '>1e-6<', '>10<']) expect(svg).toContain(label);
  });

  it('uses a given range, so two heatmaps share one scale, and rejects ragged or empty input', () => {
    const svg = heatmapSvg([[1, 10]], { range: [1, 100] });
    const fills = [...svg.matchAll(/<rect [^>]*fill="([^"]+)"><title>/g)].map((m) => m[1]);
    expect(fills).toEqual(['rgb(68,1,84)', 'rgb(33,144,141)']); // 10 is halfway between 1 and 100 in log
    expect(() => heatmapSvg([[1, 2], [3]])).toThrow(/equal rows, got row lengths \[2,1\]/);
    expect(() => heatmapSvg([])).toThrow(ValueError);
    expect(() => heatmapSvg([[1]], { range: [0, 1] })).toThrow(/0 < min ≤ max/);
  });
});

describe('graphSvg', () => {
  it('draws three LSTM steps: a box per op, a frame per step, named parameters, well-formed XML', () => {
    seed(3);
    const lstm = new Recurrent(new LSTMCell(3, 4));
    const { graph } = recordGraph(() => lstm.forward(randn([3, 2, 3])).outputs, { names: lstm.namedParameters() });
    const svg = graphSvg(graph, { title: 'LSTM <3 steps>' });
    expect(checkWellFormed(svg)).toBe('svg');
    expect(svg).toContain('LSTM &lt;3 steps&gt;');
    for (let t = 0; t < 3; t++) expect(svg).toContain(`>Recurrent(LSTMCell)  t = ${t}<`);
    const ops = graph.nodes.filter((n) => !n.leaf).length;
    expect(svg.match(/<g><title>/g)!.length).toBeGreaterThanOrEqual(ops);
    expect(svg).toContain('>cell.weightHh<');
    expect(svg).toContain('>[2, 4]<');
    const edges = graph.nodes
      .filter((n) => !n.leaf)
      .reduce(
        (s, n) =>
          s + n.inputs.filter((i) => graph.nodes[i]!.shape.some((d) => d > 1) || graph.nodes[i]!.onTape || !graph.nodes[i]!.leaf).length,
        0,
      );
    expect(svg.match(/marker-end/g)).toHaveLength(edges);
  });
});

describe('SVG helpers', () => {
  it('escapes the XML specials and drops control characters', () => {
    expect(esc(`<a href="x">'&'</a>\u0007`)).toBe('&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;');
  });
  it('puts log ticks at powers of ten, with 2× and 5× over a few decades', () => {
    expect(logTicks(1e-9, 1)).toEqual([1e-9, 1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1].filter((_, i) => i % 2 === 0));
    expect(logTicks(0.05, 3)).toEqual([0.05, 0.1, 0.2, 0.5, 1, 2]);
  });
});
