// Sequence to sequence: learn to reverse strings of 3–5 digits with an encoder–decoder. Compares additive and
// general attention with no attention (the decoder then sees only the encoder's final state), trains the additive
// one with scheduled sampling, prints where it attends while reversing one string, and decodes with beam search.
// Run it with `pnpm build && node examples/dist/seq2seq/main.js`.
import { beamSearch, greedyDecode, type AttentionKind } from '@loom/layers';
import { FIRST_DIGIT, show } from './data.js';
import { ReversalExperiment, percent } from './experiment.js';

const steps = 600;
const runs: [string, AttentionKind | null][] = [
  ['additive attention', 'additive'],
  ['general attention', 'general'],
  ['no attention', null],
];
const results = runs.map(([name, attention]) => {
  console.log(`\n${name}`);
  const experiment = new ReversalExperiment({
    steps,
    attention,
    // Teacher forcing at first; by the end, the decoder reads its own prediction about half the time.
    schedule: { kind: 'inverseSigmoid', k: 120 },
    log: (line) => console.log(`  ${line}`),
  });
  experiment.train();
  return { name, experiment, accuracy: experiment.evaluate(1000, 1234) };
});

console.log('\nheld-out accuracy (1000 strings, greedy decoding):');
for (const { name, accuracy } of results) {
  console.log(`  ${name.padEnd(20)} ${percent(accuracy.sequences)} exact strings, ${percent(accuracy.tokens)} tokens`);
}

const { model } = results[0]!.experiment;
const digits = [2, 7, 1, 8, 3];
const decoder = model.startDecoding(digits.map((d) => [FIRST_DIGIT + d]));
const greedy = greedyDecode(decoder, { maxLength: 8 });
console.log(`\n${digits.join(' ')}  →  ${show(greedy.sequences[0]!)}   (greedy, log p = ${greedy.scores[0]!.toFixed(4)})`);
console.log('attention (rows: output tokens, columns: input digits):');
console.log(`        ${digits.map((d) => `   ${d} `).join('')}`);
greedy.attention![0]!.forEach((row, t) => {
  console.log(`  ${show([greedy.sequences[0]![t]!]).padEnd(5)} ${row.map((w) => w.toFixed(2).padStart(5)).join(' ')}`);
});
const beam = beamSearch(decoder, { beamWidth: 4, maxLength: 8, lengthPenalty: 1 });
console.log(`beam search (width 4): ${show(beam.sequences[0]!)}   (mean log p per token = ${beam.scores[0]!.toFixed(4)})`);
