import { describe, expect, it } from 'vitest';
import { Generator, Tensor, ValueError, concat, noGrad, randn, slice, sum, square, tensor, transpose, zerosLike } from '@loom/core';
import { GRUCell, LSTMCell, Recurrent, Stacked, detachState, tbptt, type Parameter, type TBPTTChunk } from '@loom/layers';

const f64 = { dtype: 'float64' } as const;
const opts = (seed: number) => ({ ...f64, generator: new Generator(seed) });
const rand = (shape: number[], seed: number) => randn(shape, opts(seed));

/** The number of tensors reachable from `t` through the tape (`node.inputs`): the size of its backward graph. */
function tapeSize(t: Tensor): number {
  const seen = new Set<Tensor>();
  const todo = [t];
  while (todo.length > 0) {
    const u = todo.pop()!;
    if (seen.has(u)) continue;
    seen.add(u);
    todo.push(...(u.node?.inputs ?? []));
  }
  return seen.size;
}

function reaches(from: Tensor, target: Tensor): boolean {
  const seen = new Set<Tensor>();
  const todo = [from];
  while (todo.length > 0) {
    const u = todo.pop()!;
    if (u === target) return true;
    if (seen.has(u)) continue;
    seen.add(u);
    todo.push(...(u.node?.inputs ?? []));
  }
  return false;
}

const close = (a: Tensor, b: Tensor, tol = 1e-12) => {
  expect(a.shape).toEqual(b.shape);
  a.data.forEach((v, i) => expect(Math.abs(v - b.data[i]!)).toBeLessThan(tol));
};

const lossOf = (chunk: TBPTTChunk<unknown>) => sum(square(chunk.outputs));

/** The parameters' gradients of `loss` by an ordinary `backward`, as a training loop gets them. */
function gradsOf(loss: Tensor, params: readonly Parameter[]): Tensor[] {
  params.forEach((p) => (p.grad = null));
  loss.backward();
  return params.map((p) => p.grad ?? zerosLike(p));
}

describe('tbptt', () => {
  it('keeps the tape the same size at chunk 1 and chunk 10 (the carried state is detached)', () => {
    const rnn = new Recurrent(new LSTMCell(3, 4, opts(1)));
    const x = rand([40, 2, 3], 2);
    for (const [k1, k2, first] of [
      [4, 4, 0],
      [4, 8, 1],
    ] as const) {
      const sizes: number[] = [];
      tbptt(rnn, x, { k1, k2 }, (chunk) => sizes.push(tapeSize(lossOf(chunk))));
      expect(sizes.length).toBe(10);
      expect(sizes[9]).toBe(sizes[first]);
      expect(new Set(sizes.slice(first)).size).toBe(1);
      // Without truncation, the tape grows with the sequence.
      expect(tapeSize(sum(square(rnn.forward(x).outputs)))).toBeGreaterThan(3 * sizes[9]!);
    }
  });

  it('cuts the gradient at chunk boundaries: a later chunk’s loss does not reach h0 or earlier inputs', () => {
    const cell = new GRUCell(2, 3, opts(1));
    const rnn = new Recurrent(cell);
    const [x, h0] = [rand([9, 2, 2], 2), rand([2, 3], 3)];
    const losses: Tensor[] = [];
    tbptt(rnn, x, { k1: 3, state: h0 }, (chunk) => losses.push(lossOf(chunk)));
    expect(losses.map((l) => reaches(l, h0))).toEqual([true, false, false]);
    expect(losses.map((l) => reaches(l, cell.weightHh))).toEqual([true, true, true]);
  });

  it('gives each update the gradient of a fresh run over its window from the exact state there (k2 > k1)', () => {
    const rnn = new Recurrent(new LSTMCell(2, 3, opts(1)));
    const x = rand([11, 2, 2], 2);
    const params = rnn.parameters();
    const chunks: { start: number; end: number; grads: Tensor[]; outputs: Tensor }[] = [];
    tbptt(rnn, x, { k1: 3, k2: 5 }, (chunk) => {
      const grads = gradsOf(lossOf(chunk), params);
      chunks.push({ start: chunk.start, end: chunk.end, grads, outputs: chunk.outputs });
    });
    expect(chunks.map((c) => [c.start, c.end])).toEqual([
      [0, 3],
      [3, 6],
      [6, 9],
      [9, 11],
    ]);
    // Independently: the exact state at s = max(0, start − (k2 − k1)) by a no-grad run, then an ordinary BPTT over [s, end).
    for (const { start, end, grads, outputs } of chunks) {
      const s = Math.max(0, start - 2);
      const from = s === 0 ? undefined : noGrad(() => rnn.forward(slice(x, [0], [s])).state);
      const expected = gradsOf(sum(square(slice(rnn.forward(slice(x, [s], [end]), from).outputs, [start - s]))), params);
      grads.forEach((g, i) => close(g, expected[i]!, 1e-10));
      close(outputs, slice(rnn.forward(x).outputs, [start], [end]), 1e-10);
    }
  });

  it('with k1 = k2 = T is ordinary BPTT; chunked outputs and the final state match one full run', () => {
    const rnn = new Recurrent(new GRUCell(2, 3, opts(1)));
    const x = rand([7, 2, 2], 2);
    const params = rnn.parameters();
    let whole: Tensor[] = [];
    tbptt(rnn, x, { k1: 7 }, (chunk) => {
      whole = gradsOf(lossOf(chunk), params);
    });
    gradsOf(sum(square(rnn.forward(x).outputs)), params).forEach((g, i) => close(g, whole[i]!));
    const parts: Tensor[] = [];
    const final = tbptt(rnn, x, { k1: 3 }, (chunk) => parts.push(chunk.outputs));
    close(concat(parts, 0), rnn.forward(x).outputs);
    close(final, rnn.forward(x).state);
    expect(final.node).toBeNull();
  });

  it('splits lengths (or a mask) per window, batch-first, in a Stacked model', () => {
    const deep = new Stacked<unknown>([new LSTMCell(2, 3, opts(1)), new GRUCell(3, 3, opts(2))], { batchFirst: true });
    const x = rand([2, 8, 2], 3); // [B, T, F]
    const lengths = [8, 5];
    const mask = tensor([Array(8).fill(1), [1, 1, 1, 1, 1, 0, 0, 0]], f64);
    const full = deep.forward(x, undefined, { lengths });
    for (const sequence of [{ lengths }, { mask }]) {
      for (const k2 of [3, 5]) {
        const parts: Tensor[] = [];
        const targets: Tensor[] = [];
        const final = tbptt(deep, x, { k1: 3, k2, batchFirst: true, sequence }, (chunk) => {
          parts.push(chunk.outputs);
          targets.push(chunk.slice(x));
        });
        close(concat(parts, 1), full.outputs, 1e-10);
        close(concat(targets, 1), x);
        (final.flat() as Tensor[]).forEach((s, i) => close(s, (full.state.flat() as Tensor[])[i]!, 1e-10));
      }
    }
    expect(transpose(full.outputs, [1, 0, 2]).shape).toEqual([8, 2, 3]);
  });

  it('detachState keeps the structure and the values, and drops the history', () => {
    const h = rand([2, 3], 1);
    h.requiresGrad = true;
    const state = [square(h), [square(h), square(h)]] as const;
    const detached = detachState(state);
    expect(detached[0].node).toBeNull();
    expect(detached[1][1].node).toBeNull();
    expect(detached[1][0].data).toEqual(state[1][0].data);
    expect(detachState(undefined)).toBeUndefined();
  });

  it('says what is wrong with bad options', () => {
    const rnn = new Recurrent(new GRUCell(2, 3, f64));
    const x = rand([6, 2, 2], 1);
    expect(() => tbptt(rnn, x, { k1: 3, k2: 2 }, () => {})).toThrow(ValueError);
    expect(() => tbptt(rnn, x, { k1: 0 }, () => {})).toThrow('tbptt: k1 must be a whole number ≥ 1 and k2 one ≥ k1, got k1 = 0 and k2 = 0');
    const last = new Recurrent(new GRUCell(2, 3, f64), { returnSequences: false });
    expect(() => tbptt(last, x, { k1: 2, k2: 4 }, () => {})).toThrow("tbptt: with k2 > k1 the layer must return every step's output");
    expect(tbptt(last, x, { k1: 2 }, () => {}).shape).toEqual([2, 3]);
  });
});
