// Slot filling, the seeds' running example: tag "arrive Taipei on November 2nd" against "leave Taipei on
// November 2nd". Trains a bidirectional LSTM tagger and an Elman-RNN baseline on a generated flight-booking
// corpus, reports held-out token accuracy, and tags the two example sentences. Run it with `pnpm demo`.
import { TAGS } from './corpus.js';
import { Experiment, percent } from './experiment.js';
import { BiLSTMTagger, ElmanTagger } from './tagger.js';

const experiment = new Experiment({ trainSize: 1500, heldOutSize: 400, epochs: 6, log: (line) => console.log(line) });
const { train, heldOut, vocab } = experiment;
console.log(`corpus: ${train.length} training and ${heldOut.length} held-out sentences, ${vocab.size} word ids`);
console.log('(held-out sentences also use cities never seen in training: unknown words, tagged from context)\n');

const bilstm = experiment.fit('BiLSTM', new BiLSTMTagger(experiment.sizes()));
const elman = experiment.fit('Elman', new ElmanTagger(experiment.sizes()));
console.log(`\nheld-out token accuracy: BiLSTM ${percent(experiment.accuracy(bilstm))}, Elman RNN ${percent(experiment.accuracy(elman))}`);
console.log('(the Elman RNN reads left to right only, so it cannot tag "on november 2nd i arrive in taipei")\n');

const examples = ['arrive taipei on november 2nd', 'leave taipei on november 2nd'].map((text) => {
  const words = text.split(' ');
  return { words, tags: words.map(() => 'other' as const) };
});
experiment.tag(bilstm, examples).forEach((tags, i) => {
  console.log(examples[i]!.words.map((w, t) => `${w}/${TAGS[tags[t]!]}`).join('  '));
});
