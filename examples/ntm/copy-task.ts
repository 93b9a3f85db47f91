// The copy task of Graves et al. 2014 (§4.1): a sequence of random bit vectors, then a delimiter; the network must
// then write the sequence back, with no input, from what it stored.
import { tensor, type Generator, type Tensor } from '@loom/core';

/** One batch of the copy task, time-major. All sequences of a batch have the same length, so nothing is padded. */
export interface CopyBatch {
  /** [2L + 1, B, bits + 1]: the L vectors (last channel 0), the delimiter (only the last channel on), then L zero steps. */
  readonly inputs: Tensor;
  /** [L, B, bits]: the vectors to reproduce during the last L steps. */
  readonly targets: Tensor;
  /** The sequence length L. */
  readonly length: number;
}

/** A batch of `batch` sequences of `length` random `bits`-wide vectors. */
export function copyBatch(g: Generator, batch: number, length: number, bits: number): CopyBatch {
  const steps = 2 * length + 1;
  const width = bits + 1;
  const inputs = new Float32Array(steps * batch * width);
  const targets = new Float32Array(length * batch * bits);
  for (let t = 0; t < length; t++) {
    for (let b = 0; b < batch; b++) {
      for (let k = 0; k < bits; k++) {
        const bit = g.uniform() < 0.5 ? 0 : 1;
        inputs[(t * batch + b) * width + k] = bit;
        targets[(t * batch + b) * bits + k] = bit;
      }
    }
  }
  for (let b = 0; b < batch; b++) inputs[(length * batch + b) * width + bits] = 1;
  return {
    inputs: tensor(inputs, { shape: [steps, batch, width] }),
    targets: tensor(targets, { shape: [length, batch, bits] }),
    length,
  };
}
