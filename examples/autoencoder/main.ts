// Sequence auto-encoder (Dai & Le 2015): an LSTM reads a string of 3–5 digits into one vector, and a second LSTM,
// without attention, writes the string back from that vector alone. Prints the reconstruction accuracy, a few
// reconstructions, and how alike the codes of similar and unrelated strings are; then does the same one level up,
// with a hierarchical auto-encoder over documents of digit "sentences".
// Run it with `pnpm build && node examples/dist/autoencoder/main.js`.
import { div, matmul, norm, transpose } from '@loom/core';
import { AutoencoderExperiment, FIRST_DIGIT, EOS, percent } from './experiment.js';
import { HierarchicalExperiment } from './hierarchical.js';

const experiment = new AutoencoderExperiment({ steps: 800, log: (line) => console.log(line) });
experiment.train();
const { sequences, tokens } = experiment.evaluate(1000, 1234);
console.log(`\nheld-out reconstruction (1000 strings): ${percent(sequences)} exact, ${percent(tokens)} tokens\n`);

const strings = [
  [3, 1, 4, 1, 5],
  [3, 1, 4, 1, 6],
  [9, 2, 6],
  [2, 7, 1, 8],
];
const source = Array.from({ length: 5 }, (_, t) => strings.map((s) => FIRST_DIGIT + (s[t] ?? -FIRST_DIGIT)));
const outputs = experiment.model.reconstruct(source, { sourceLengths: strings.map((s) => s.length) });
const show = (tokens: readonly number[]) => tokens.map((t) => (t === EOS ? '<eos>' : String(t - FIRST_DIGIT))).join(' ');
strings.forEach((s, b) => console.log(`${s.join(' ').padEnd(10)} →  ${show(outputs[b]!)}`));

// Cosine similarity of the codes: strings that share a prefix should sit closer than unrelated ones.
const codes = experiment.codes(strings);
const unit = div(codes, norm(codes, -1, true));
const cosine = matmul(unit, transpose(unit, [1, 0])).toArray() as number[][];
console.log('\ncosine similarity of the codes:');
cosine.forEach((row, i) => console.log(`  ${strings[i]!.join('').padEnd(6)} ${row.map((c) => c.toFixed(2).padStart(6)).join('')}`));

// The hierarchical auto-encoder: documents of 2–3 sentences of 2–3 digits, squeezed into one vector per document.
console.log('\nhierarchical auto-encoder (words → sentences → document and back):');
const hierarchical = new HierarchicalExperiment({ steps: 600, log: (line) => console.log(line) });
hierarchical.train();
const result = hierarchical.evaluate(500, 1234);
console.log(`held-out reconstruction (500 documents): ${percent(result.sentences)} exact sentences, ${percent(result.tokens)} tokens`);
const doc = [
  [3, 1],
  [4, 1, 5],
  [9, 2],
].map((s) => s.map((d) => FIRST_DIGIT + d));
const rebuilt = hierarchical.model.reconstruct([doc])[0]!;
console.log(`${doc.map(show).join(' | ')}  →  ${rebuilt.map(show).join(' | ')}`);
