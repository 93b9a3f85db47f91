// Sentiment by composition over trees: a Tree-LSTM, a plain recursive network and a bag-of-words baseline learn to
// label toy phrases like "(not (good (the plot))) (awful fun)", where "not" flips the phrase it is paired with.
// Run it with `pnpm build && node examples/dist/tree/main.js`.
import { noGrad, argmax } from '@loom/core';
import { BagOfWords, Experiment, percent, recursiveNN, treeLSTM } from './experiment.js';
import { show } from './sentiment.js';

const experiment = new Experiment({ trainSize: 2000, heldOutSize: 500, epochs: 10, log: (line) => console.log(line) });
const { train, heldOut } = experiment;
console.log(`treebank: ${train.length} training and ${heldOut.length} held-out trees, every one with a negation\n`);

const lstm = experiment.fit('Tree-LSTM', experiment.model(treeLSTM));
const rnn = experiment.fit('RecursiveNN', experiment.model(recursiveNN));
const bow = experiment.fit(
  'BagOfWords',
  experiment.model(() => new BagOfWords()),
);
console.log(
  `\nheld-out root accuracy: Tree-LSTM ${percent(experiment.accuracy(lstm))}, recursive NN ${percent(experiment.accuracy(rnn))}, ` +
    `bag of words ${percent(experiment.accuracy(bow))}`,
);
console.log('(the bag of words sees the same words but not which phrase each "not" negates)\n');

const samples = heldOut.slice(0, 6);
const predicted = noGrad(() => argmax(lstm.forward(samples), -1)).toArray() as number[];
samples.forEach((tree, i) => {
  const say = (label: number) => (label === 1 ? 'positive' : 'negative');
  console.log(`${show(tree)}  →  ${say(predicted[i]!)} (truth: ${say(tree.label)})`);
});
