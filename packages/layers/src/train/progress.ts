import type { BatchLogs, Callback, EpochLogs, TrainContext } from './types.js';

/** Where progress goes: anything with `write`, such as `process.stderr`. */
export interface ProgressStream {
  /** Writes a chunk of text. */
  write(chunk: string): unknown;
  /** True for a terminal, where a bar is redrawn in place. */
  readonly isTTY?: boolean;
}

/** Options of {@link progressBar}. */
export interface ProgressOptions {
  /** The output. Default `process.stderr` where a `process` global exists (Node); elsewhere nothing is printed. */
  readonly stream?: ProgressStream;
  /** Redraw a bar in place (true) or print one line per epoch (false). Default: the stream's `isTTY`. */
  readonly isTTY?: boolean;
  /** Milliseconds now, for the ETA and the redraw rate. Default `performance.now`. */
  readonly now?: () => number;
  /** Least milliseconds between two redraws of the bar (the last batch is always drawn). Default 100. */
  readonly interval?: number;
  /** Width of the bar in characters. Default 24. */
  readonly width?: number;
}

/** ESC[2K clears the whole line; with the carriage return before it the bar is redrawn in place. */
const CLEAR_LINE = '\r\x1b[2K';

/**
 * The progress display `fit` adds unless told `progress: false`. On a terminal a single line is redrawn in place
 * after the batches (at most every `interval` ms): epoch, a bar, batches done, the ETA of the epoch
 * (elapsed / done · remaining) and the running loss and metrics; at the end of an epoch the line is completed with
 * the validation values and kept. Elsewhere (a file, a pipe, CI) it prints exactly one line per epoch, so logs
 * are not flooded.
 *
 * @example
 * ```ts
 * await fit(model, loader, { ...options, progress: { stream: process.stdout } });
 * // epoch 3/10 [========================] 40/40 1.2s loss 0.4123 accuracy 0.8812 val_loss 0.5012 val_accuracy 0.8512
 * ```
 */
export function progressBar(options: ProgressOptions = {}): Callback {
  const stream = options.stream ?? defaultStream();
  if (stream === undefined) return {};
  const tty = options.isTTY ?? stream.isTTY === true;
  const now = options.now ?? (() => performance.now());
  const { interval = 100, width = 24 } = options;
  let epochStart = 0;
  let lastDraw = -Infinity;
  const head = (epoch: number, context: TrainContext) => `epoch ${epoch}/${context.epochs}`;
  return {
    onEpochBegin(_epoch: number) {
      epochStart = now();
      lastDraw = -Infinity;
    },
    onBatchEnd(logs: BatchLogs, context: TrainContext) {
      if (!tty) return;
      const total = context.batchesPerEpoch;
      const done = logs.batch + 1;
      const t = now();
      if (t - lastDraw < interval && done !== total) return;
      lastDraw = t;
      const elapsed = (t - epochStart) / 1000;
      const where =
        total === undefined
          ? `${done} batches`
          : `${bar(done / total, width)} ${done}/${total} ETA ${duration((elapsed / done) * Math.max(total - done, 0))}`;
      stream.write(`${CLEAR_LINE}${head(logs.epoch, context)} ${where} ${values(logs.values)}`);
    },
    onEpochEnd(logs: EpochLogs, context: TrainContext) {
      const summary = `${head(logs.epoch, context)} ${tty ? bar(1, width) + ' ' : ''}${logs.batches}/${logs.batches} ${duration(logs.seconds)}`;
      stream.write(`${tty ? CLEAR_LINE : ''}${summary} ${values(logs.values)}\n`);
    },
  };
}

function defaultStream(): ProgressStream | undefined {
  // Looked up at run time, so that this file loads in a browser, where there is no process.
  const proc = (globalThis as { process?: { stderr?: ProgressStream } }).process;
  return proc?.stderr;
}

function bar(fraction: number, width: number): string {
  const filled = Math.min(width, Math.max(0, Math.round(fraction * width)));
  return `[${'='.repeat(filled)}${filled < width ? '>' : ''}${' '.repeat(Math.max(0, width - filled - 1))}]`;
}

/** 3.2s, 1:05, 1:02:03. */
function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const s = Math.round(seconds);
  const [h, m, r] = [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60];
  const mm = h > 0 ? String(m).padStart(2, '0') : String(m);
  return `${h > 0 ? `${h}:` : ''}${mm}:${String(r).padStart(2, '0')}`;
}

function values(vs: Readonly<Record<string, number>>): string {
  return Object.entries(vs)
    .map(([name, v]) => `${name} ${number(v)}`)
    .join(' ');
}

function number(v: number): string {
  const a = Math.abs(v);
  return a !== 0 && (a >= 1e4 || a < 1e-3) ? v.toExponential(3) : v.toFixed(4);
}
