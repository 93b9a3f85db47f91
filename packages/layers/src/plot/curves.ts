import { ValueError } from '@loom/core';
import { SERIES_COLOURS, esc, fmt, px, svgDocument, text } from './_svg.js';
import { axisTicks, type Scale } from './_axes.js';

/** One record of a metrics log: its numeric fields (a JSON null, for a non-finite value, becomes NaN). */
export type MetricsRow = Readonly<Record<string, number>>;

/** A named run's records, e.g. one model's training log. */
export interface MetricsRun {
  /** The run's name in the legend. */
  readonly name: string;
  /** Its records, in order. */
  readonly rows: readonly MetricsRow[];
}

/** Options of {@link parseMetrics}. */
export interface ParseMetricsOptions {
  /** Keep only records whose `type` field is this (e.g. `'batch'` or `'epoch'` in `jsonlLogger`'s files). */
  readonly type?: string;
  /** The file's name, for error messages. */
  readonly source?: string;
}

/**
 * Reads a JSON Lines metrics log (one JSON object per line, as `jsonlLogger` writes) into rows of numeric
 * fields; other fields (strings, booleans) are dropped and a null becomes NaN. Blank lines are skipped. A line that
 * is not a JSON object throws a ValueError naming the source and the line, so a damaged log fails loudly.
 *
 * @example
 * ```ts
 * const rows = parseMetrics(readFileSync('runs/lstm/metrics.jsonl', 'utf8'), { type: 'batch' });
 * ```
 */
export function parseMetrics(jsonl: string, options: ParseMetricsOptions = {}): MetricsRow[] {
  const rows: MetricsRow[] = [];
  jsonl.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch (e) {
      throw new ValueError(`parseMetrics: ${options.source ?? 'input'} line ${i + 1} is not JSON (${(e as Error).message})`);
    }
    if (record === null || typeof record !== 'object' || Array.isArray(record)) {
      throw new ValueError(`parseMetrics: ${options.source ?? 'input'} line ${i + 1} is not a JSON object`);
    }
    const fields = record as Record<string, unknown>;
    if (options.type !== undefined && fields.type !== options.type) return;
    const row: Record<string, number> = {};
    for (const [k, v] of Object.entries(fields)) {
      if (typeof v === 'number') row[k] = v;
      else if (v === null) row[k] = NaN;
    }
    rows.push(row);
  });
  return rows;
}

/** Options of {@link curvesSvg}. */
export interface CurvesOptions {
  /** The field on the x axis (default `step`, else `epoch`, else the record's index). */
  readonly x?: string;
  /** The fields to plot, one panel each (default: every numeric field but x and epoch/step/batch/elapsed/seconds). */
  readonly series?: readonly string[];
  /** Log scale on y for panels whose values are all positive (default false). */
  readonly logY?: boolean;
  /** The figure's title. */
  readonly title?: string;
  /** Width in pixels (default 760); each panel is 220 pixels high. */
  readonly width?: number;
}

const BOOKKEEPING = new Set(['epoch', 'step', 'batch', 'elapsed', 'seconds']);

/**
 * Draws metric curves as a self-contained SVG: one panel per field (loss, accuracy, …) stacked vertically, one
 * coloured line per run, with axes, ticks and a legend. Non-finite values leave a gap in the line.
 *
 * @example
 * ```ts
 * const svg = curvesSvg([{ name: 'RNN', rows: rnnRows }, { name: 'LSTM', rows: lstmRows }], { series: ['loss'], logY: true });
 * ```
 */
export function curvesSvg(runs: readonly MetricsRun[], options: CurvesOptions = {}): string {
  const all = runs.flatMap((r) => r.rows);
  const x = options.x ?? (all.some((r) => 'step' in r) ? 'step' : all.some((r) => 'epoch' in r) ? 'epoch' : '#');
  const fields = options.series ?? [...new Set(all.flatMap(Object.keys))].filter((k) => k !== x && !BOOKKEEPING.has(k));
  const width = options.width ?? 760;
  // A legend row under the title, so that the legend never hides a line.
  const legendY = options.title === undefined ? 16 : 46;
  const [top, panelH, gap] = [legendY + 30, 220, 26];
  const body: string[] = [];
  if (options.title !== undefined) body.push(text(width / 2, 24, options.title, 'middle', 'font-size="16" font-weight="bold"'));
  fields.forEach((field, p) =>
    body.push(...panel(runs, x, field, options.logY === true, 70, top + p * (panelH + gap), width - 90, panelH - 44)),
  );
  let lx = 70;
  runs.forEach((run, i) => {
    const colour = SERIES_COLOURS[i % SERIES_COLOURS.length]!;
    body.push(
      `<line x1="${px(lx)}" y1="${px(legendY - 4)}" x2="${px(lx + 22)}" y2="${px(legendY - 4)}" stroke="${colour}" stroke-width="2.5"/>`,
    );
    body.push(text(lx + 28, legendY, run.name));
    lx += 28 + run.name.length * 7 + 24;
  });
  const height = top + Math.max(1, fields.length) * (panelH + gap);
  return svgDocument(width, height, options.title ?? `metrics: ${fields.join(', ')}`, body);
}

/** One panel: axes box at (left, top) of size w × h, the runs' lines for `field` against `x`. */
function panel(
  runs: readonly MetricsRun[],
  x: string,
  field: string,
  logY: boolean,
  left: number,
  top: number,
  w: number,
  h: number,
): string[] {
  const points = runs.map((run) => run.rows.map((r, i) => [x === '#' ? i : (r[x] ?? NaN), r[field] ?? NaN] as const));
  const finite = points.flat().filter(([a, b]) => Number.isFinite(a) && Number.isFinite(b));
  const log = logY && finite.length > 0 && finite.every(([, v]) => v > 0);
  const xs: Scale = axisTicks(
    finite.map(([a]) => a),
    false,
    left,
    left + w,
  );
  const ys: Scale = axisTicks(
    finite.map(([, b]) => b),
    log,
    top + h,
    top,
  );
  const out = [`<g>`, `<rect x="${px(left)}" y="${px(top)}" width="${px(w)}" height="${px(h)}" fill="none" stroke="#888"/>`];
  for (const t of xs.ticks) {
    const X = xs.at(t);
    out.push(`<line x1="${px(X)}" y1="${px(top)}" x2="${px(X)}" y2="${px(top + h)}" stroke="#eee"/>`);
    out.push(text(X, top + h + 15, fmt(t), 'middle'));
  }
  for (const t of ys.ticks) {
    const Y = ys.at(t);
    out.push(`<line x1="${px(left)}" y1="${px(Y)}" x2="${px(left + w)}" y2="${px(Y)}" stroke="#eee"/>`);
    out.push(text(left - 6, Y + 4, fmt(t), 'end'));
  }
  out.push(text(left + w / 2, top + h + 32, x === '#' ? 'record' : x, 'middle'));
  out.push(text(left + 4, top - 6, log ? `${field} (log scale)` : field, 'start', 'font-weight="bold"'));
  points.forEach((pts, i) => {
    const colour = SERIES_COLOURS[i % SERIES_COLOURS.length]!;
    let d = '';
    let pen = 'M';
    for (const [a, b] of pts) {
      if (!Number.isFinite(a) || !Number.isFinite(b) || (log && b <= 0)) {
        pen = 'M'; // a gap, not a line through a missing value
        continue;
      }
      d += `${pen}${px(xs.at(a))},${px(ys.at(b))} `;
      pen = 'L';
    }
    if (d !== '')
      out.push(`<path d="${d.trim()}" fill="none" stroke="${colour}" stroke-width="1.8"><title>${esc(runs[i]!.name)}</title></path>`);
  });
  out.push('</g>');
  return out;
}
