// Training and evaluation of the sequence auto-encoder, shared by the demo (main.ts) and its test.
import { Generator, seed, type Tensor } from '@loom/core';
import { Adam, Embedding, LSTMCell, Linear, SequenceAutoencoder, crossEntropy } from '@loom/layers';

/** Padding, start, end. */
export const [PAD, BOS, EOS] = [0, 1, 2];
/** Token of digit d is FIRST_DIGIT + d. */
export const FIRST_DIGIT = 3;
const VOCAB = FIRST_DIGIT + 10;

/** How long and how big an experiment is. */
export interface AutoencoderOptions {
  /** Training steps (one batch each). */
  readonly steps: number;
  readonly batch?: number;
  readonly hidden?: number;
  /** Digits per string. */
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly seed?: number;
  /** Called every `logEvery` steps with a progress line. */
  readonly log?: (line: string) => void;
  readonly logEvery?: number;
}

/** Strings of digit tokens, time-major and padded, with their lengths. */
export interface DigitBatch {
  readonly source: number[][];
  readonly lengths: number[];
}

/** An LSTM encoder squeezes each digit string into one vector; an LSTM decoder must write the string back. */
export class AutoencoderExperiment {
  readonly model: SequenceAutoencoder;
  readonly g: Generator;

  constructor(readonly options: AutoencoderOptions) {
    seed(options.seed ?? 3);
    this.g = new Generator((options.seed ?? 3) + 11);
    const [e, h] = [16, options.hidden ?? 48];
    this.model = new SequenceAutoencoder({
      embedding: new Embedding(VOCAB, e),
      encoder: new LSTMCell(e, h),
      decoder: new LSTMCell(e, h),
      output: new Linear(h, VOCAB),
      bos: BOS,
      eos: EOS,
      pad: PAD,
    });
  }

  /** `count` random digit strings. */
  batch(g: Generator, count: number): DigitBatch {
    const { minLength = 3, maxLength = 5 } = this.options;
    const strings = Array.from({ length: count }, () =>
      Array.from({ length: g.int(minLength, maxLength + 1) }, () => FIRST_DIGIT + g.int(0, 10)),
    );
    const lengths = strings.map((s) => s.length);
    const source = Array.from({ length: Math.max(...lengths) }, (_, t) => strings.map((s) => s[t] ?? PAD));
    return { source, lengths };
  }

  /** Trains with Adam on fresh batches, cross-entropy over the real tokens and the end token. */
  train(): void {
    const { steps, batch = 32, log, logEvery = 100 } = this.options;
    const optimizer = new Adam(this.model.parameters(), { lr: 0.01 });
    let lossSum = 0;
    for (let step = 1; step <= steps; step++) {
      const { source, lengths } = this.batch(this.g, batch);
      const { logits, targets } = this.model.forward(source, { sourceLengths: lengths });
      const loss = crossEntropy(logits, targets, { ignoreIndex: PAD });
      optimizer.zeroGrad();
      loss.backward();
      optimizer.step();
      lossSum += loss.item();
      if (step % logEvery === 0) {
        const { sequences, tokens } = this.evaluate(200);
        log?.(
          `step ${step}/${steps}  loss ${(lossSum / logEvery).toFixed(4)}  held-out: ${percent(sequences)} exact, ${percent(tokens)} tokens`,
        );
        lossSum = 0;
      }
    }
  }

  /** Greedy reconstruction accuracy on `count` fresh strings: whole strings (with the end token) and tokens. */
  evaluate(count: number, seedOfData = 99): { sequences: number; tokens: number } {
    const { source, lengths } = this.batch(new Generator(seedOfData), count);
    const outputs = this.model.reconstruct(source, { sourceLengths: lengths });
    let [exact, right, total] = [0, 0, 0];
    outputs.forEach((out, b) => {
      const want = source
        .slice(0, lengths[b])
        .map((row) => row[b]!)
        .concat(EOS);
      want.forEach((token, t) => (right += out[t] === token ? 1 : 0));
      total += want.length;
      exact += out.length === want.length && want.every((token, t) => out[t] === token) ? 1 : 0;
    });
    return { sequences: exact / count, tokens: right / total };
  }

  /** The codes of `strings` (lists of digits), [B, H]. */
  codes(strings: readonly (readonly number[])[]): Tensor {
    const lengths = strings.map((s) => s.length);
    const source = Array.from({ length: Math.max(...lengths) }, (_, t) => strings.map((s) => FIRST_DIGIT + (s[t] ?? -FIRST_DIGIT)));
    return this.model.encode(source, lengths);
  }
}

/** 0.9712 → "97.1%". */
export function percent(fraction: number): string {
  return `${(100 * fraction).toFixed(1)}%`;
}
