import { describe, expect, it } from 'vitest';
import { Experiment } from './experiment.js';
import { BiLSTMTagger } from './tagger.js';

// A short run of the demo (the full one is `pnpm demo`): the bidirectional tagger must learn the slots.
describe('slot-filling demo', () => {
  it('a BiLSTM tagger reaches ≥ 95% held-out token accuracy in 3 short epochs (seed 2)', () => {
    const experiment = new Experiment({ trainSize: 1000, heldOutSize: 200, epochs: 3 });
    const model = experiment.fit('BiLSTM', new BiLSTMTagger(experiment.sizes()));
    expect(experiment.accuracy(model)).toBeGreaterThanOrEqual(0.95);
    const [arrive, leave] = experiment.tag(model, [
      { words: ['arrive', 'taipei', 'on', 'november', '2nd'], tags: [] },
      { words: ['leave', 'taipei', 'on', 'november', '2nd'], tags: [] },
    ]);
    expect(arrive).toEqual([0, 1, 0, 3, 3]); // other dest other arrive-time arrive-time
    expect(leave).toEqual([0, 2, 0, 4, 4]); // other depart other depart-time depart-time
  });
});
