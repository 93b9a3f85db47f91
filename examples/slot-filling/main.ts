// Slot filling, the seeds' running example: tag "arrive Taipei on November 2nd" against "leave Taipei on
// November 2nd". Trains a bidirectional LSTM tagger and an Elman-RNN baseline on a generated flight-booking
// corpus, reports held-out token accuracy, and tags the two example sentences. Run it with `pnpm demo`.
import { Generator, argmax, noGrad, seed } from '@loom/core';
import { Adam, crossEntropy } from '@loom/layers';
import { TAGS, Vocabulary, makeCorpus, type Sentence } from './corpus.js';
import { BiLSTMTagger, ElmanTagger, type Tagger } from './tagger.js';

const PAD_TAG = -100; // PyTorch's default ignore index: padded positions carry no loss
const EPOCHS = 6;
const BATCH = 32;

seed(2);
const g = new Generator(7);
const train = makeCorpus(1500, g);
const heldOut = makeCorpus(400, g, true);
const vocab = new Vocabulary(train);
const sizes = { vocabulary: vocab.size, embedding: 24, hidden: 32 };

/** A batch as time-major id and tag matrices [T][B], padded to its longest sentence. */
function batchOf(sentences: readonly Sentence[]) {
  const lengths = sentences.map((s) => s.words.length);
  const steps = Math.max(...lengths);
  const ids = Array.from({ length: steps }, (_, t) => sentences.map((s) => (t < s.words.length ? vocab.id(s.words[t]!) : 0)));
  const tags = Array.from({ length: steps }, (_, t) => sentences.map((s) => (t < s.tags.length ? TAGS.indexOf(s.tags[t]!) : PAD_TAG)));
  return { ids, tags, lengths };
}

function accuracy(model: Tagger, sentences: readonly Sentence[]): number {
  let right = 0;
  let total = 0;
  for (let i = 0; i < sentences.length; i += 100) {
    const { ids, tags, lengths } = batchOf(sentences.slice(i, i + 100));
    const predicted = noGrad(() => argmax(model.forward(ids, lengths), -1)).toArray() as number[][];
    tags.forEach((row, t) =>
      row.forEach((tag, b) => {
        if (tag === PAD_TAG) return;
        total += 1;
        if (predicted[t]![b] === tag) right += 1;
      }),
    );
  }
  return right / total;
}

function fit(name: string, model: Tagger): Tagger {
  const optimizer = new Adam(model.parameters(), { lr: 0.01 });
  const order = train.map((_, i) => i);
  for (let epoch = 1; epoch <= EPOCHS; epoch++) {
    const started = performance.now();
    for (let i = order.length - 1; i > 0; i--) {
      const j = g.int(0, i + 1);
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    let lossSum = 0;
    for (let i = 0; i < order.length; i += BATCH) {
      const { ids, tags, lengths } = batchOf(order.slice(i, i + BATCH).map((k) => train[k]!));
      const loss = crossEntropy(model.forward(ids, lengths), tags, { ignoreIndex: PAD_TAG });
      optimizer.zeroGrad();
      loss.backward();
      optimizer.step();
      lossSum += loss.item();
    }
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const batches = Math.ceil(order.length / BATCH);
    console.log(
      `${name.padEnd(8)} epoch ${epoch}/${EPOCHS}  loss ${(lossSum / batches).toFixed(4)}  held-out accuracy ${(100 * accuracy(model, heldOut)).toFixed(1)}%  (${seconds} s)`,
    );
  }
  return model;
}

console.log(
  `corpus: ${train.length} training and ${heldOut.length} held-out sentences, ${vocab.size} word ids (held-out cities are unknown words)\n`,
);
const bilstm = fit('BiLSTM', new BiLSTMTagger(sizes));
const elman = fit('Elman', new ElmanTagger(sizes));

console.log(
  `\nheld-out token accuracy: BiLSTM ${(100 * accuracy(bilstm, heldOut)).toFixed(1)}%, Elman RNN ${(100 * accuracy(elman, heldOut)).toFixed(1)}%\n`,
);
for (const text of ['arrive taipei on november 2nd', 'leave taipei on november 2nd']) {
  const words = text.split(' ');
  const { ids, lengths } = batchOf([{ words, tags: words.map(() => 'other') }]);
  const predicted = noGrad(() => argmax(bilstm.forward(ids, lengths), -1)).toArray() as number[][];
  console.log(words.map((w, t) => `${w}/${TAGS[predicted[t]![0]!]}`).join(' '));
}
