import { ValueError } from '@loom/core';
import { esc, fmt, px, svgDocument, text, viridis } from './_svg.js';
import { extent, logTicks } from './_axes.js';

/** Options of {@link heatmapSvg}. */
export interface HeatmapOptions {
  /** The figure's title. */
  readonly title?: string;
  /** Label of the columns' axis (default `time step t`). */
  readonly xLabel?: string;
  /** Label of the rows' axis (default `training step`). */
  readonly yLabel?: string;
  /** A label value per row, e.g. the training step each row was measured at (default the row's index). */
  readonly rowValues?: readonly number[];
  /** Label of the colour bar (default `‖∂L/∂h_t‖`). */
  readonly colourLabel?: string;
  /**
   * The colour scale's [min, max], both > 0. Give two heatmaps the same range to compare them; by default, the
   * smallest and largest positive value.
   */
  readonly range?: readonly [number, number];
  /** Width in pixels (default 760). */
  readonly width?: number;
}

/**
 * Draws a matrix of positive values, such as gradient norms per time step (columns) over training (rows), as a
 * self-contained SVG heatmap on a log colour scale (viridis, one decade per equal step of colour), with labelled
 * axes and a colour bar. Zeros and non-finite values, which have no place on a log scale, are drawn grey.
 *
 * Shapes: `values` [rows][columns], every row the same length.
 *
 * @example
 * ```ts
 * const rows = snapshots.map((s) => gradNormsOverTime(rnn, x, loss).mean);
 * writeFileSync('rnn.svg', heatmapSvg(rows, { title: 'RNN ‖∂L/∂h_t‖', rowValues: steps }));
 * ```
 */
export function heatmapSvg(values: readonly (readonly number[])[], options: HeatmapOptions = {}): string {
  const cols = values[0]?.length ?? 0;
  if (values.length === 0 || cols === 0 || values.some((r) => r.length !== cols)) {
    throw new ValueError(
      `heatmapSvg: values must be a non-empty [rows][columns] matrix with equal rows, got row lengths [${values.map((r) => r.length).join(',')}]`,
    );
  }
  const positive = values.flat().filter((v) => v > 0 && Number.isFinite(v));
  const [lo, hi] = options.range ?? (positive.length > 0 ? extent(positive) : [1, 10]);
  if (!(lo > 0 && hi >= lo)) throw new ValueError(`heatmapSvg: range [${lo}, ${hi}] must satisfy 0 < min ≤ max`);
  const [a, b] = [Math.log10(lo), Math.log10(hi === lo ? lo * 10 : hi)];
  const u = (v: number) => (Math.log10(v) - a) / (b - a);

  const width = options.width ?? 760;
  const [left, top, barW] = [70, options.title === undefined ? 20 : 44, 110];
  const plotW = width - left - barW;
  const cell = { w: plotW / cols, h: Math.max(3, Math.min(24, 360 / values.length)) };
  const plotH = cell.h * values.length;
  const body: string[] = [];
  if (options.title !== undefined) body.push(text(width / 2, 26, options.title, 'middle', 'font-size="16" font-weight="bold"'));
  values.forEach((row, i) =>
    row.forEach((v, j) => {
      const fill = v > 0 && Number.isFinite(v) ? viridis(u(v)) : '#bbbbbb';
      const [x, y] = [left + j * cell.w, top + i * cell.h];
      // Cells overlap by half a pixel so that no hairline gaps show between them when scaled.
      body.push(
        `<rect x="${px(x)}" y="${px(y)}" width="${px(cell.w + 0.5)}" height="${px(cell.h + 0.5)}" fill="${fill}"><title>${esc(fmt(v))}</title></rect>`,
      );
    }),
  );
  body.push(`<rect x="${left}" y="${top}" width="${px(plotW)}" height="${px(plotH)}" fill="none" stroke="#444"/>`);
  const everyCol = Math.max(1, Math.ceil(cols / 16));
  for (let j = 0; j < cols; j += everyCol) body.push(text(left + (j + 0.5) * cell.w, top + plotH + 15, String(j), 'middle'));
  const rowValues = options.rowValues ?? values.map((_, i) => i);
  const everyRow = Math.max(1, Math.ceil((values.length * 14) / plotH));
  for (let i = 0; i < values.length; i += everyRow) body.push(text(left - 6, top + (i + 0.5) * cell.h + 4, fmt(rowValues[i] ?? i), 'end'));
  body.push(text(left + plotW / 2, top + plotH + 34, options.xLabel ?? 'time step t', 'middle'));
  const yMid = top + plotH / 2;
  body.push(text(18, yMid, options.yLabel ?? 'training step', 'middle', `transform="rotate(-90 18 ${px(yMid)})"`));
  body.push(...colourBar(left + plotW + 24, top, Math.max(plotH, 120), [a, b], options.colourLabel ?? '‖∂L/∂h_t‖'));
  return svgDocument(width, top + Math.max(plotH, 120) + 48, options.title ?? 'heatmap', body);
}

/** A vertical colour bar at (x, top), `h` high, for log10 range [a, b], with ticks at powers of ten. */
function colourBar(x: number, top: number, h: number, [a, b]: readonly [number, number], label: string): string[] {
  const steps = 48;
  const out: string[] = [];
  for (let s = 0; s < steps; s++) {
    // Top is the largest value, as on the plot's usual reading of "up is more".
    out.push(
      `<rect x="${px(x)}" y="${px(top + (s * h) / steps)}" width="16" height="${px(h / steps + 0.5)}" fill="${viridis(1 - (s + 0.5) / steps)}"/>`,
    );
  }
  out.push(`<rect x="${px(x)}" y="${px(top)}" width="16" height="${px(h)}" fill="none" stroke="#444"/>`);
  for (const t of logTicks(10 ** a, 10 ** b)) {
    const y = top + (1 - (Math.log10(t) - a) / (b - a)) * h;
    out.push(`<line x1="${px(x + 16)}" y1="${px(y)}" x2="${px(x + 20)}" y2="${px(y)}" stroke="#444"/>`);
    out.push(text(x + 23, y + 4, fmt(t)));
  }
  out.push(text(x, top + h + 18, label));
  return out;
}
