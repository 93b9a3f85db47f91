// The long-dependency task: remember the first symbol. Step 0 shows one of `symbols` symbols; steps 1 … T−1 show
// random distractors; after the last step the network must name the first symbol. Only ∂L/∂h_0 carries the
// information that solves it, so a network whose gradient vanishes over T steps cannot learn it.
import { tensor, type Generator, type Tensor } from '@loom/core';

/** Sizes of the task. */
export interface TaskSizes {
  /** Sequence length T. */
  readonly steps: number;
  /** Symbols to remember (the classes). */
  readonly symbols: number;
  /** Distractor symbols shown on steps 1 … T−1. */
  readonly distractors: number;
}

/** A batch: one-hot inputs x [T, B, symbols + distractors] and the first symbol of each sequence. */
export interface Batch {
  readonly x: Tensor;
  readonly target: number[];
}

/** A fresh batch of `batch` sequences drawn from `g`. */
export function makeBatch(sizes: TaskSizes, batch: number, g: Generator): Batch {
  const { steps, symbols, distractors } = sizes;
  const width = symbols + distractors;
  const data = new Float32Array(steps * batch * width);
  const target = Array.from({ length: batch }, () => g.int(0, symbols));
  for (let t = 0; t < steps; t++) {
    for (let b = 0; b < batch; b++) {
      const hot = t === 0 ? target[b]! : symbols + g.int(0, distractors);
      data[(t * batch + b) * width + hot] = 1;
    }
  }
  return { x: tensor(data, { shape: [steps, batch, width] }), target };
}
