// The vanishing gradient, seen: an Elman RNN and an LSTM learn to remember the first of T symbols. While they
// train, gradNormsOverTime measures ‖∂L/∂h_t‖ for every step t; the heatmaps show the RNN's gradient dying out
// towards t = 0 and the LSTM's reaching it. Writes SVGs (and the metrics logs and a DOT file) to an output
// directory: `node examples/dist/vanishing/main.js [outDir]`, by default examples/vanishing/out/.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randn, recordGraph, toDot } from '@loom/core';
import { LSTMCell, Recurrent, curvesSvg, graphSvg, heatmapSvg, parseMetrics } from '@loom/layers';
import { models, reachRatio, train, type ExperimentOptions, type RunResult } from './experiment.js';

const outDir = process.argv[2] ?? join('examples', 'vanishing', 'out');
const options: ExperimentOptions = {
  steps: 40,
  symbols: 4,
  distractors: 4,
  hidden: 32,
  batch: 32,
  trainSteps: 400,
  probeEvery: 10,
  lr: 0.002,
  seed: 7,
  log: (line) => console.log(line),
};

/** Writes `text` to `name` in the output directory through a temporary file, so no file is ever half-written. */
function save(name: string, text: string): void {
  const path = join(outDir, name);
  const partial = `${path}.partial`;
  writeFileSync(partial, text);
  renameSync(partial, path);
  console.log(`wrote ${path}`);
}

mkdirSync(outDir, { recursive: true });
const { rnn, lstm } = models(options);
const runs: RunResult[] = [train('Elman RNN', rnn, options), train('LSTM', lstm, options)];

// The logs go through JSON Lines and back, as a log written by jsonlLogger during training would.
for (const run of runs)
  save(`${run.name === 'LSTM' ? 'lstm' : 'rnn'}-metrics.jsonl`, run.metrics.map((r) => JSON.stringify(r)).join('\n') + '\n');
const logged = runs.map((run) => ({
  name: run.name,
  rows: smooth(parseMetrics(run.metrics.map((r) => JSON.stringify(r)).join('\n')), 20),
}));
save(
  'loss.svg',
  curvesSvg(logged, { title: `Remember the first of ${options.steps} symbols (moving average of 20 steps)`, series: ['loss', 'accuracy'] }),
);

// One colour scale for both heatmaps, so that equal colours mean equal norms.
const all = runs.flatMap((r) => r.norms.flat()).filter((v) => v > 0);
const range = [Math.min(...all), Math.max(...all)] as const;
for (const run of runs) {
  const file = run.name === 'LSTM' ? 'lstm-grad-norms.svg' : 'rnn-grad-norms.svg';
  save(file, heatmapSvg(run.norms, { title: `${run.name}: ‖∂L/∂h_t‖ over training`, rowValues: run.probeSteps, range }));
}

// The tape of three unrolled LSTM steps.
const small = new Recurrent(new LSTMCell(3, 4));
const { graph } = recordGraph(() => small.forward(randn([3, 2, 3])).outputs, { names: small.namedParameters() });
save('lstm-3-steps.svg', graphSvg(graph, { title: 'The tape of an LSTM unrolled over 3 steps (B = 2, I = 3, H = 4)' }));
save('lstm-3-steps.dot', toDot(graph, { title: 'LSTM, 3 steps' }));

for (const run of runs) {
  const ratios = run.norms.map(reachRatio);
  const [lo, hi] = [Math.min(...ratios), Math.max(...ratios)].map((v) => v.toExponential(1));
  const accuracy = run.metrics.slice(-50).reduce((s, r) => s + r.accuracy!, 0) / 50;
  console.log(
    `${run.name}: ‖∂L/∂h_0‖ / ‖∂L/∂h_T−1‖ from ${lo} to ${hi} during training; accuracy over the last 50 batches ${accuracy.toFixed(2)}`,
  );
}

/** A moving average over `window` records of every field but `step`, to make noisy batch curves readable. */
function smooth(rows: readonly Record<string, number>[], window: number): Record<string, number>[] {
  return rows.map((row, i) => {
    const part = rows.slice(Math.max(0, i - window + 1), i + 1);
    const out: Record<string, number> = { step: row.step! };
    for (const k of Object.keys(row)) if (k !== 'step') out[k] = part.reduce((s, r) => s + r[k]!, 0) / part.length;
    return out;
  });
}
