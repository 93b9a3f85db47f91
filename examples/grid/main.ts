// A 2-D LSTM (MD-LSTM) over grids: every cell must say whether another cell of its row or column is marked. The four
// sweeps of a GridRNN, one from each corner, give every cell the whole grid; a single sweep from one corner sees only
// the quarter above and to the left of each cell, and falls short. Run it with
// `pnpm build && node examples/dist/grid/main.js`.
import { mean, noGrad } from '@loom/core';
import { Experiment, GridTagger, percent } from './experiment.js';

const experiment = new Experiment({
  size: 6,
  trainSize: 512,
  heldOutSize: 256,
  epochs: 12,
  batch: 16,
  lr: 0.03,
  log: (line) => console.log(line),
});
const positives = noGrad(() => mean(experiment.heldOut.y).item());
console.log(`grids: 6×6, ${percent(positives)} of held-out cells have a mark in their row or column\n`);

const four = experiment.fit(
  '4 sweeps',
  experiment.model(() => new GridTagger(8)),
);
const one = experiment.fit(
  '1 sweep',
  experiment.model(() => new GridTagger(16, ['top-left'])),
);
console.log(
  `\nheld-out cell accuracy: four sweeps ${percent(experiment.accuracy(four))}, one sweep from the top left ` +
    `${percent(experiment.accuracy(one))} (always guessing the majority: ${percent(Math.max(positives, 1 - positives))})`,
);
