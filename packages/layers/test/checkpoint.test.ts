import { DTypeError, Generator, ShapeError, ValueError, add, randn, sum, square, tensor } from '@loom/core';
import { Adam, LSTMCell, Linear, Module, SGD } from '@loom/layers';
import { SafetensorsError, loadCheckpoint, loadSafetensors, saveCheckpoint, saveSafetensors } from '@loom/layers/node';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rawBytes } from './safetensors-fixtures.js';

let dir = '';
let path = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loom-ckpt-'));
  path = join(dir, 'ckpt.safetensors');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

class Net extends Module {
  cell: LSTMCell;
  head: Linear;
  constructor(seed: number, dtype: 'float32' | 'float64' = 'float32', hidden = 4) {
    super();
    const generator = new Generator(seed);
    this.cell = new LSTMCell(3, hidden, { generator, dtype });
    this.head = new Linear(hidden, 2, { generator, dtype });
  }
}

/** Two Adam steps on a fixed loss, so the optimizer has buffers and step counts. */
function trained(seed: number): { net: Net; opt: Adam } {
  const net = new Net(seed);
  const opt = new Adam(net.parameters(), { lr: 0.01, betas: [0.8, 0.99] });
  for (let i = 0; i < 2; i++) {
    opt.zeroGrad();
    net
      .parameters()
      .map((p) => sum(square(p)))
      .reduce((a, b) => add(a, b))
      .backward();
    opt.step();
  }
  return { net, opt };
}

const bits = (m: Module) => m.namedParameters().map(([name, p]) => [name, rawBytes(p.data)]);

describe('saveCheckpoint and loadCheckpoint', () => {
  it('restore parameters, optimizer state, generators, counters and extra data exactly', async () => {
    const { net, opt } = trained(1);
    const g = new Generator(5);
    g.normal(); // leaves a spare normal in the state, which must survive too
    await saveCheckpoint(path, { model: net, optimizer: opt, step: 42, epoch: 3, rng: { dropout: g }, extra: { best: 0.25, tags: ['a'] } });

    const { net: other, opt: otherOpt } = trained(2);
    otherOpt.lr = 0.5;
    const h = new Generator(99);
    const info = await loadCheckpoint(path, { model: other, optimizer: otherOpt, rng: { dropout: h } });
    expect(info).toEqual({ step: 42, epoch: 3, extra: { best: 0.25, tags: ['a'] } });
    expect(bits(other)).toEqual(bits(net));
    expect(otherOpt.stateDict()).toEqual(opt.stateDict());
    expect([h.normal(), h.uniform(), h.nextUint32()]).toEqual([g.normal(), g.uniform(), g.nextUint32()]);
  });

  it('writes one safetensors file with model.* and optim.* tensors and JSON metadata', async () => {
    const { net, opt } = trained(1);
    await saveCheckpoint(path, { model: net, optimizer: opt, step: 7 });
    const { tensors, metadata } = await loadSafetensors(path);
    const names = net.namedParameters().map(([n]) => n);
    expect(Object.keys(tensors).sort()).toEqual(
      [...names.map((n) => `model.${n}`), ...names.flatMap((n) => [`optim.${n}.expAvg`, `optim.${n}.expAvgSq`])].sort(),
    );
    expect(metadata['loom.checkpoint']).toBe('1');
    expect(metadata.step).toBe('7');
    expect(metadata.epoch).toBe('0');
    expect(metadata.extra).toBeUndefined();
    const optimizer = JSON.parse(metadata.optimizer!) as { name: string; lr: number; options: unknown; steps: Record<string, number> };
    expect(optimizer).toEqual({
      name: 'Adam',
      lr: 0.01,
      options: { betas: [0.8, 0.99], eps: 1e-8, weightDecay: 0, amsgrad: false },
      steps: Object.fromEntries(names.map((n) => [n, 2])),
    });
  });

  it('saves a model alone, and a fresh optimizer without state', async () => {
    const net = new Net(1, 'float64');
    await saveCheckpoint(path, { model: net, optimizer: new SGD(net.parameters(), { lr: 0.1 }) });
    const other = new Net(2, 'float64');
    const sgd = new SGD(other.parameters(), { lr: 0.3 });
    expect(await loadCheckpoint(path, { model: other, optimizer: sgd })).toEqual({ step: 0, epoch: 0, extra: undefined });
    expect(bits(other)).toEqual(bits(net));
    expect(sgd.stateDict()).toEqual({ lr: 0.1, params: other.parameters().map(() => null) });
  });

  it('rejects bad arguments when saving', async () => {
    const net = new Net(1);
    const foreign = new Adam([...net.parameters(), ...new Net(2).parameters()]);
    await expect(saveCheckpoint(path, { model: net, optimizer: foreign })).rejects.toThrow(
      /saveCheckpoint: parameter 6 of Adam \[16,3\] is not a parameter of the model/,
    );
    await expect(saveCheckpoint(path, { model: net, step: -1 })).rejects.toThrow(/saveCheckpoint: step must be a whole number ≥ 0, got -1/);
    await expect(saveCheckpoint(path, { model: net, epoch: 1.5 })).rejects.toThrow(ValueError);
    await expect(saveCheckpoint(path, { model: net, extra: () => 1 })).rejects.toThrow(/extra must be JSON data, got function/);
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    await expect(saveCheckpoint(path, { model: net, extra: cycle })).rejects.toThrow(/saveCheckpoint: extra must be JSON data: .*circular/);
  });

  it('checks everything before changing anything, naming the path', async () => {
    const { net, opt } = trained(1);
    await saveCheckpoint(path, { model: net, optimizer: opt, rng: { dropout: new Generator(1) } });
    const target = trained(2);
    const before = [bits(target.net), target.opt.stateDict()];
    const unchanged = () => expect([bits(target.net), target.opt.stateDict()]).toEqual(before);
    const load = (over: Partial<Parameters<typeof loadCheckpoint>[1]>) =>
      loadCheckpoint(path, { model: target.net, optimizer: target.opt, ...over });

    await expect(load({ rng: { shuffle: new Generator(1) } })).rejects.toThrow(
      new RegExp(`loadCheckpoint: ${path}: no valid state for generator 'shuffle' \\(saved: dropout\\)`),
    );
    unchanged();
    await expect(load({ optimizer: new SGD(target.net.parameters(), { lr: 1 }) })).rejects.toThrow(
      /holds "Adam" state but the optimizer is SGD/,
    );
    await expect(load({ model: new Net(3, 'float32', 5) })).rejects.toThrow(ShapeError);
    await expect(load({ model: new Net(3, 'float64'), optimizer: undefined })).rejects.toThrow(
      /'model.cell.weightIh' is float32 \[16,3\] but the parameter is float64 \[16,3\]/,
    );
    await expect(load({ model: new Net(3, 'float64'), optimizer: undefined })).rejects.toThrow(DTypeError);
    unchanged();

    class Wider extends Net {
      extraLayer = new Linear(2, 2);
    }
    await expect(load({ model: new Wider(3), optimizer: undefined })).rejects.toThrow(/missing tensor 'model.extraLayer.weight'/);
    class Narrower extends Module {
      cell = new LSTMCell(3, 4);
    }
    await expect(load({ model: new Narrower(), optimizer: undefined })).rejects.toThrow(
      /the model has no parameters for model.head.bias, model.head.weight/,
    );
  });

  it('rejects a file that is not a checkpoint, or not safetensors', async () => {
    await saveSafetensors(path, { w: tensor([1]) });
    await expect(loadCheckpoint(path, { model: new Net(1) })).rejects.toThrow(
      `loadCheckpoint: ${path} is not a loom checkpoint (metadata 'loom.checkpoint' is null, expected "1")`,
    );
    await saveSafetensors(path, {}, { 'loom.checkpoint': '1', step: 'x' });
    await expect(loadCheckpoint(path, { model: new Net(1) })).rejects.toThrow(`loadCheckpoint: ${path}: metadata 'step' is not JSON`);
    await saveCheckpoint(path, { model: new Net(1) });
    await expect(loadCheckpoint(path, { model: new Net(1), optimizer: new Adam(new Net(1).parameters()) })).rejects.toThrow(
      /the checkpoint has no optimizer state/,
    );
    const { writeFile } = await import('node:fs/promises');
    await writeFile(path, 'not safetensors');
    await expect(loadCheckpoint(path, { model: new Net(1) })).rejects.toThrow(SafetensorsError);
  });

  it('keeps randn reproducible through a generator restored from a checkpoint', async () => {
    const g = new Generator(3);
    randn([5], { generator: g });
    await saveCheckpoint(path, { model: new Net(1), rng: { g } });
    const expected = randn([4], { generator: g }).toArray();
    const h = new Generator(0);
    await loadCheckpoint(path, { model: new Net(1), rng: { g: h } });
    expect(randn([4], { generator: h }).toArray()).toEqual(expected);
  });
});
