import { describe, expect, it } from 'vitest';
import {
  add,
  lerp,
  matmul,
  mean,
  mul,
  noGrad,
  randn,
  seed,
  sigmoid,
  slice,
  split,
  square,
  sub,
  tanh,
  zeros,
  concat,
  type Tensor,
} from '@loom/core';
import { Cell, Linear, Recurrent, init } from '@loom/layers';

// The claim of the Cell API: a researcher's own cell, a few lines of maths, trains through Recurrent with nothing
// else (BPTT is the tape's ordinary backward over the unrolled loop). The same example is in docs/layers.md.

// ---- the whole custom cell: 15 lines ----
/** A minimal GRU: one gate z and a candidate n from one product; h' = (1 − z) ⊙ tanh(n) + z ⊙ h. */
function minGRU(inputSize: number, hiddenSize: number) {
  return new (class MinGRU extends Cell<Tensor> {
    wx = init.glorotUniform([inputSize, 2 * hiddenSize]); // [I, 2H]: columns for z, then n
    wh = init.orthogonal([hiddenSize, 2 * hiddenSize]);
    b = init.zeros([2 * hiddenSize]);
    initialState(batch: number) {
      return zeros([batch, hiddenSize]);
    }
    step(x: Tensor, h: Tensor): [Tensor, Tensor] {
      const [z, n] = split(add(add(matmul(x, this.wx), matmul(h, this.wh)), this.b), 2, -1) as [Tensor, Tensor];
      const next = lerp(tanh(n), h, sigmoid(z));
      return [next, next];
    }
  })();
}
// ---- end of the cell ----

/** The task: output at step t the input of step t − 1 (0 at t = 0), which needs one step of memory. */
function copyTask(steps: number, batch: number): { x: Tensor; y: Tensor } {
  const x = randn([steps, batch, 1]);
  const y = concat([zeros([1, batch, 1]), slice(x, [0], [steps - 1])], 0);
  return { x, y };
}

describe('a custom cell', () => {
  it('is at most 15 lines', async () => {
    const { readFile } = await import('node:fs/promises');
    const source = await readFile(new URL(import.meta.url), 'utf8');
    const body = source.slice(source.indexOf('function minGRU'), source.indexOf('// ---- end of the cell'));
    expect(body.trim().split('\n').length).toBeLessThanOrEqual(15);
  });

  it('trains through Recurrent with a hand-written SGD loop: the loss falls at least 20× in 100 steps', () => {
    seed(2026);
    const rnn = new Recurrent(minGRU(1, 8));
    const readout = new Linear(8, 1);
    const params = [...rnn.parameters(), ...readout.parameters()];
    const train = copyTask(12, 32);
    const heldOut = copyTask(20, 16); // longer sequences than in training
    const lossOf = ({ x, y }: { x: Tensor; y: Tensor }) => mean(square(sub(readout.forward(rnn.forward(x).outputs), y)));
    const heldOutBefore = noGrad(() => lossOf(heldOut)).item();
    const losses: number[] = [];
    for (let i = 0; i < 100; i++) {
      const loss = lossOf(train);
      losses.push(loss.item());
      loss.backward();
      for (const p of params) {
        p.assign(noGrad(() => sub(p, mul(p.grad!, 0.2))));
        p.grad = null;
      }
    }
    expect(losses.at(-1)!).toBeLessThan(losses[0]! / 20);
    // It learned the rule (remember one step), not the training batch.
    expect(noGrad(() => lossOf(heldOut)).item()).toBeLessThan(heldOutBefore / 10);
  });
});
