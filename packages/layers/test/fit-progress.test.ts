import { describe, expect, it } from 'vitest';
import { Generator, mean, square, sub, tensor, type Tensor } from '@loom/core';
import { Linear, SGD, fit, progressBar, type Batch, type ProgressOptions } from '@loom/layers';

// The progress display: a bar redrawn in place on a terminal, one line per epoch anywhere else.

/** Six batches of y = 2x through a Linear(1 → 1). */
function run(progress: ProgressOptions, epochs: number, validation = false) {
  const model = new Linear(1, 1, { generator: new Generator(1) });
  const data: Batch<Tensor, Tensor>[] = [0, 1, 2, 3, 4, 5].map((k) => ({
    inputs: tensor([[k / 5]]),
    targets: tensor([[(2 * k) / 5]]),
    size: 1,
  }));
  return fit(model, data, {
    epochs,
    optimizer: new SGD(model.parameters(), { lr: 0.1 }),
    loss: (y, t) => mean(square(sub(y, t))),
    metrics: { half: () => 0.5 },
    ...(validation ? { validation: data.slice(0, 2) } : {}),
    progress,
  });
}

/** A stream that keeps what is written; `ms` is the fake clock, moved 1 s per read. */
function capture(isTTY: boolean) {
  const chunks: string[] = [];
  let ms = 0;
  return { chunks, options: { stream: { write: (s: string) => chunks.push(s), isTTY }, now: () => (ms += 1000) } };
}

describe('progressBar', () => {
  it('prints exactly one line per epoch when the stream is not a terminal', async () => {
    const { chunks, options } = capture(false);
    await run(options, 3, true);
    const text = chunks.join('');
    expect(text).not.toMatch(/\r|\x1b/);
    const lines = text.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(3);
    lines.forEach((line, e) => {
      expect(line).toMatch(
        new RegExp(`^epoch ${e + 1}/3 6/6 \\d+\\.\\ds loss \\d\\.\\d{4} half 0\\.5000 val_loss \\d\\.\\d{4} val_half 0\\.5000$`),
      );
    });
  });

  it('redraws one line in place on a terminal, with a bar, the ETA and running values, and keeps each epoch line', async () => {
    const { chunks, options } = capture(true);
    await run(options, 2);
    // Every batch is drawn (the fake clock moves 1 s per read), each draw clearing the line first.
    const draws = chunks.filter((c) => !c.endsWith('\n'));
    expect(draws).toHaveLength(12);
    for (const d of draws) expect(d.startsWith('\r\x1b[2K')).toBe(true);
    // After batch 2 of epoch 1: 2 batches in 2 s, so 4 more take 4 s.
    expect(draws[1]).toMatch(/^\r\x1b\[2Kepoch 1\/2 \[========>\s+\] 2\/6 ETA 4\.0s loss \d\.\d{4} half 0\.5000$/);
    const ends = chunks.filter((c) => c.endsWith('\n'));
    expect(ends).toHaveLength(2);
    expect(ends[1]).toMatch(/^\r\x1b\[2Kepoch 2\/2 \[={24}\] 6\/6 \d+\.\ds loss \d\.\d{4} half 0\.5000\n$/);
    expect(chunks.join('').split('\n')).toHaveLength(3);
  });

  it('redraws at most every `interval` ms, but always the last batch of an epoch', async () => {
    const { chunks, options } = capture(true);
    await run({ ...options, interval: 2500 }, 1);
    const draws = chunks.filter((c) => !c.endsWith('\n'));
    expect(draws.map((d) => d.match(/ (\d)\/6 /)?.[1])).toEqual(['1', '4', '6']);
  });

  it('shows batch counts without ETA while the number of batches is unknown', async () => {
    const { chunks, options } = capture(true);
    const callback = progressBar(options);
    const context = { epochs: 1, batchesPerEpoch: undefined } as unknown as Parameters<NonNullable<typeof callback.onBatchEnd>>[1];
    callback.onEpochBegin?.(1, context);
    callback.onBatchEnd?.({ epoch: 1, batch: 4, step: 5, size: 1, loss: 1, values: { loss: 1 }, lr: 0.1 }, context);
    expect(chunks).toEqual(['\r\x1b[2Kepoch 1/1 5 batches loss 1.0000']);
  });
});
