import { describe, expect, it } from 'vitest';
import { Generator, Tensor } from '@loom/core';
import { NTMCell, type Linear } from '@loom/layers';
import { f64, rand } from './_support.js';

// One NTM against an independent plain-JS implementation of Graves et al. (2014), one sequence, two steps: the
// gradcheck cannot catch a wrong-but-smooth formula (head parameters split in the wrong order, a shift in the
// wrong direction, reading the memory before the write), this can.

type Vec = number[];
const affine = (layer: Linear, v: Vec): Vec => {
  const [out, inp] = layer.weight.shape as [number, number];
  return Array.from({ length: out }, (_, o) => layer.bias!.data[o]! + v.reduce((s, x, i) => s + layer.weight.data[o * inp + i]! * x, 0));
};
const softmax = (v: Vec): Vec => {
  const m = Math.max(...v);
  const e = v.map((x) => Math.exp(x - m));
  const z = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / z);
};
const softplus = (x: number) => Math.log1p(Math.exp(x));
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** §3.3: content, interpolation, convolutional shift, sharpening, for one head. */
function address(memory: Vec[], previous: Vec, raw: Vec, M: number, S: number): Vec {
  const key = raw.slice(0, M);
  const [beta, g, gamma] = [softplus(raw[M]!), sigmoid(raw[M + 1]!), 1 + softplus(raw[M + 2 + S]!)];
  const shift = softmax(raw.slice(M + 2, M + 2 + S));
  const norm = (u: Vec) => Math.sqrt(u.reduce((a, x) => a + x * x, 0) + 1e-8);
  const cosine = memory.map((row) => row.reduce((a, x, k) => a + x * key[k]!, 0) / (norm(row) * norm(key)));
  const content = softmax(cosine.map((k) => beta * k));
  const gated = content.map((c, i) => g * c + (1 - g) * previous[i]!);
  const N = memory.length;
  const shifted = gated.map((_, i) => shift.reduce((a, s, j) => a + s * gated[(((i - (j - (S - 1) / 2)) % N) + N) % N]!, 0));
  const sharp = shifted.map((w) => w ** gamma);
  const total = sharp.reduce((a, b) => a + b, 0);
  return sharp.map((w) => w / total);
}

describe('NTMCell against a plain-JS reference', () => {
  it('matches output, memory, weights and reads over two steps (feed-forward controller, learned memory)', () => {
    const [I, O, N, M, S] = [3, 2, 5, 3, 3];
    const cell = new NTMCell(I, O, {
      memorySlots: N,
      memoryWidth: M,
      controllerSize: 4,
      controller: 'feedforward',
      memoryInit: 'learned',
      ...f64,
      generator: new Generator(4),
    });
    const controller = cell.controller as Linear;
    let memory: Vec[] = Array.from({ length: N }, (_, i) => Array.from(cell.memoryBias!.data.slice(i * M, (i + 1) * M)));
    let [wRead, wWrite, reads]: [Vec, Vec, Vec] = [
      [1, 0, 0, 0, 0],
      [1, 0, 0, 0, 0],
      [0, 0, 0],
    ];
    let state = cell.initialState(1);
    for (const step of [0, 1]) {
      const x = rand([1, I], 10 + step);
      const h = affine(controller, [...x.data, ...reads]).map(Math.tanh);
      const raw = affine(cell.heads, h);
      const readRaw = raw.slice(0, M + S + 3);
      const writeRaw = raw.slice(M + S + 3);
      wWrite = address(memory, wWrite, writeRaw, M, S);
      const erase = writeRaw.slice(M + S + 3, 2 * M + S + 3).map(sigmoid);
      const add = writeRaw.slice(2 * M + S + 3).map(Math.tanh);
      memory = memory.map((row, i) => row.map((v, k) => v * (1 - wWrite[i]! * erase[k]!) + wWrite[i]! * add[k]!));
      wRead = address(memory, wRead, readRaw, M, S);
      reads = Array.from({ length: M }, (_, k) => memory.reduce((a, row, i) => a + wRead[i]! * row[k]!, 0));
      const y = affine(cell.output, [...h, ...reads]);

      const [out, next] = cell.step(x, state);
      const close = (t: Tensor, want: Vec) => Array.from(t.data).forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 9));
      close(out, y);
      close(next[0], memory.flat());
      close(next[1], wRead);
      close(next[2], wWrite);
      close(next[3], reads);
      state = next;
    }
  });
});
