import { Generator, randn, type Tensor } from '@loom/core';
import { Adam, Dropout, LSTMCell, Linear, Module, Recurrent, mseLoss } from '@loom/layers';
import { loadCheckpoint, saveCheckpoint } from '@loom/layers/node';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// A run interrupted at step K and resumed from its checkpoint must compute the same losses, bit for bit, as the run
// that never stopped: parameters, Adam's moments and step counts, and the dropout generator all come back exactly.

const STEPS = 10;
const K = 4;

class Tagger extends Module {
  rnn: Recurrent<[Tensor, Tensor]>;
  drop: Dropout;
  head: Linear;
  constructor(initSeed: number, dropout: Generator) {
    super();
    const generator = new Generator(initSeed);
    this.rnn = new Recurrent(new LSTMCell(3, 6, { generator }));
    this.drop = new Dropout(0.3, { generator: dropout });
    this.head = new Linear(6, 2, { generator });
  }
  forward(x: Tensor): Tensor {
    return this.head.forward(this.drop.forward(this.rnn.forward(x).outputs));
  }
}

const x = randn([5, 4, 3], { generator: new Generator(11) });
const y = randn([5, 4, 2], { generator: new Generator(12) });

interface Run {
  model: Tagger;
  optimizer: Adam;
  dropout: Generator;
}

function start(initSeed: number, dropSeed: number): Run {
  const dropout = new Generator(dropSeed);
  const model = new Tagger(initSeed, dropout);
  return { model, optimizer: new Adam(model.parameters(), { lr: 0.02 }), dropout };
}

function train({ model, optimizer }: Run, from: number, to: number): number[] {
  const losses: number[] = [];
  for (let step = from; step < to; step++) {
    optimizer.zeroGrad();
    const loss = mseLoss(model.forward(x), y);
    loss.backward();
    optimizer.step();
    losses.push(loss.item());
  }
  return losses;
}

let dir = '';
let reference: number[] = [];
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loom-resume-'));
  reference = train(start(1, 2), 0, STEPS);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('resuming from a checkpoint', () => {
  it('gives bit-identical losses to the uninterrupted run', async () => {
    const first = start(1, 2);
    const before = train(first, 0, K);
    const path = join(dir, 'resume.safetensors');
    await saveCheckpoint(path, { model: first.model, optimizer: first.optimizer, step: K, rng: { dropout: first.dropout } });

    // A fresh process would build everything anew: other seeds, so only the checkpoint can make it match.
    const second = start(7, 8);
    const { step } = await loadCheckpoint(path, { model: second.model, optimizer: second.optimizer, rng: { dropout: second.dropout } });
    const after = train(second, step, STEPS);

    expect([step, after.length]).toEqual([K, STEPS - K]);
    expect(before).toEqual(reference.slice(0, K));
    after.forEach((loss, i) => expect(loss === reference[K + i], `step ${K + i}: ${loss} vs ${reference[K + i]}`).toBe(true));
  });

  it('diverges when the dropout generator is not restored (so the test above can fail)', async () => {
    const first = start(1, 2);
    train(first, 0, K);
    const path = join(dir, 'no-rng.safetensors');
    await saveCheckpoint(path, { model: first.model, optimizer: first.optimizer, step: K });
    const second = start(7, 8);
    await loadCheckpoint(path, { model: second.model, optimizer: second.optimizer });
    expect(train(second, K, STEPS)[0]).not.toBe(reference[K]);
  });
});
