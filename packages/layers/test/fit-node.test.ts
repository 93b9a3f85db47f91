import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Generator, mean, square, sub, tensor, type Tensor } from '@loom/core';
import { Adam, DataLoader, Linear, SGD, fit, type Batch } from '../src/index.js';
import { loadCheckpoint, loadSafetensors } from '../src/io/node.js';
import { checkpointEvery, jsonlLogger } from '../src/train/node.js';

// The Node-only callbacks: they write files, append-safe, and fail before training when they cannot.

const dir = mkdtempSync(join(tmpdir(), 'loom-fit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function train(callbacks: Parameters<typeof fit>[2]['callbacks'], epochs = 2) {
  const model = new Linear(1, 1, { generator: new Generator(2) });
  const data: Batch<Tensor, Tensor>[] = [0, 1, 2].map((k) => ({ inputs: tensor([[k]]), targets: tensor([[3 * k]]), size: 1 }));
  return fit(model, data, {
    epochs,
    optimizer: new SGD(model.parameters(), { lr: 0.01 }),
    loss: (y, t) => mean(square(sub(y, t))),
    metrics: { seven: () => 7 },
    callbacks,
    progress: false,
  });
}

const records = (path: string) =>
  readFileSync(path, 'utf8')
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe('jsonlLogger', () => {
  it('writes one JSON object per epoch, and per N steps when asked, creating missing folders', async () => {
    const path = join(dir, 'nested', 'run', 'metrics.jsonl');
    await train([jsonlLogger(path, { everySteps: 2 })]);
    const rows = records(path);
    expect(rows.map((r) => [r.type, r.epoch, r.step])).toEqual([
      ['batch', 1, 2],
      ['epoch', 1, 3],
      ['batch', 2, 4],
      ['batch', 2, 6],
      ['epoch', 2, 6],
    ]);
    for (const r of rows) {
      expect(Object.keys(r)).toEqual(expect.arrayContaining(['loss', 'seven', 'lr', 'time', 'elapsed']));
      expect(r.lr).toBe(0.01);
      expect(r.seven).toBe(7);
      expect(Number.isNaN(Date.parse(r.time as string))).toBe(false);
    }
  });

  it('appends to an existing log instead of replacing it', async () => {
    const path = join(dir, 'append.jsonl');
    writeFileSync(path, '{"from":"an earlier run"}\n');
    await train([jsonlLogger(path)], 1);
    await train([jsonlLogger(path)], 1);
    expect(records(path).map((r) => r.from ?? r.type)).toEqual(['an earlier run', 'epoch', 'epoch']);
  });

  it('fails at the start of training when the path cannot be written, before any batch runs', async () => {
    let batches = 0;
    const run = train([jsonlLogger(dir), { onBatchEnd: () => void batches++ }]);
    await expect(run).rejects.toThrow(/EISDIR/);
    expect(batches).toBe(0);
    expect(() => jsonlLogger('x.jsonl', { everySteps: 0 })).toThrow(/everySteps must be a whole number ≥ 1/);
  });
});

describe('checkpointEvery', () => {
  it('saves model, optimizer, step, epoch and the loader generator every N steps, each restorable', async () => {
    const make = () => new Linear(1, 1, { generator: new Generator(3) });
    const model = make();
    const optimizer = new Adam(model.parameters(), { lr: 0.05 });
    const loader = new DataLoader(
      { inputs: [0, 1, 2, 3, 4], targets: [1, 3, 5, 7, 9] },
      {
        batchSize: 2,
        shuffle: true,
        generator: new Generator(9),
        collate: (xs: number[], ys: number[]) => ({ inputs: column(xs), targets: column(ys) }),
      },
    );
    const seen = new Map<number, { weights: number[][]; rng: number[] }>();
    await fit(model, loader, {
      epochs: 2,
      optimizer,
      loss: (y, t) => mean(square(sub(y, t))),
      progress: false,
      callbacks: [
        {
          onBatchEnd: (logs) =>
            void seen.set(logs.step, { weights: model.parameters().map((p) => Array.from(p.data)), rng: loader.generator!.getState() }),
        },
        checkpointEvery({
          steps: 2,
          path: join(dir, 'ckpt', 'step-{step}-epoch-{epoch}.safetensors'),
          extra: (logs: { batch: number }) => ({ batch: logs.batch }),
        }),
      ],
    });
    expect(readdirSync(join(dir, 'ckpt')).sort()).toEqual([
      'step-2-epoch-1.safetensors',
      'step-4-epoch-2.safetensors',
      'step-6-epoch-2.safetensors',
    ]);
    const restored = make();
    const restoredOptimizer = new Adam(restored.parameters(), { lr: 0.05 });
    const file = join(dir, 'ckpt', 'step-4-epoch-2.safetensors');
    const info = await loadCheckpoint(file, { model: restored, optimizer: restoredOptimizer });
    expect(info).toEqual({ step: 4, epoch: 2, extra: { batch: 0 } });
    expect(restored.parameters().map((p) => Array.from(p.data))).toEqual(seen.get(4)!.weights);
    // The loader's generator as it was after step 4 (its state is read from the file's metadata: see the report on
    // restoring generators with loadCheckpoint).
    const { metadata } = await loadSafetensors(file);
    expect(JSON.parse(metadata.rng!).data).toEqual(seen.get(4)!.rng.map((v) => (Number.isNaN(v) ? null : v)));
    expect(restoredOptimizer.stateDict().params.map((s) => s?.step)).toEqual([4, 4]);
    expect(() => checkpointEvery({ steps: 0, path: 'x' })).toThrow(/steps must be a whole number ≥ 1/);
  });
});

function column(values: number[]): Tensor {
  return tensor(values.map((v) => [v]));
}
