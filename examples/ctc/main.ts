// CTC, the seeds' speech-recognition setting in miniature: a GRU reads noisy feature frames in which each label
// lasts 1–3 frames with silence between, and learns to spell the labels from (frames, labels) pairs alone, with
// no frame-level alignment. Reports held-out exact-match accuracy and label error rate, then decodes a few
// held-out utterances greedily and with prefix beam search. Run it with
// `pnpm build && node examples/dist/ctc/main.js`.
import { noGrad } from '@loom/core';
import { ctcBeamDecode } from '@loom/layers';
import { Experiment, batchOf, percent } from './experiment.js';

const experiment = new Experiment({ trainSize: 2000, heldOutSize: 500, steps: 400, batch: 32, hidden: 32, log: (l) => console.log(l) });
console.log(`corpus: ${experiment.train.length} training and ${experiment.heldOut.length} held-out utterances of 1–4 labels\n`);
const before = experiment.evaluate();
console.log(`untrained: exact ${percent(before.sequenceAccuracy)}, label error rate ${percent(before.labelErrorRate)}`);
experiment.fit();
const { sequenceAccuracy, labelErrorRate } = experiment.evaluate();
console.log(`\nheld-out: ${percent(sequenceAccuracy)} decoded exactly, label error rate ${percent(labelErrorRate)}\n`);

const examples = experiment.heldOut.slice(0, 6);
const { frames, lengths } = batchOf(examples);
const logProbs = noGrad(() => experiment.model.forward(frames, lengths));
const greedy = experiment.decode(examples);
const beams = ctcBeamDecode(logProbs, lengths, { beamWidth: 8 });
examples.forEach((u, i) => {
  const [best, runnerUp] = beams[i]!;
  const alternative = runnerUp ? `, then [${runnerUp.labels}] (${runnerUp.logScore.toFixed(2)})` : '';
  console.log(
    `${u.frames.length} frames  target [${u.labels}]  greedy [${greedy[i]}]  beam [${best!.labels}] (log p ${best!.logScore.toFixed(2)})${alternative}`,
  );
});
