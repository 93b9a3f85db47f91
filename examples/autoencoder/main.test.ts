import { describe, expect, it } from 'vitest';
import { AutoencoderExperiment } from './experiment.js';

// A short run of the demo (the full one is examples/autoencoder/main.ts): a sequence auto-encoder must learn to
// write 3–5 digit strings back from one vector. Measured with seed 3: 84% exact strings, 92.7% tokens after 150 steps.
describe('sequence auto-encoder demo', () => {
  it('reconstructs ≥ 70% of held-out digit strings exactly (≥ 85% of tokens) after 150 steps (seed 3)', () => {
    const experiment = new AutoencoderExperiment({ steps: 150 });
    experiment.train();
    const { sequences, tokens } = experiment.evaluate(200);
    expect(sequences).toBeGreaterThanOrEqual(0.7);
    expect(tokens).toBeGreaterThanOrEqual(0.85);
    expect(
      experiment.codes([
        [1, 2, 3],
        [4, 5, 6, 7],
      ]).shape,
    ).toEqual([2, 48]);
  });
});
