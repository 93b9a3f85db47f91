// Training and evaluation of the reversal model, shared by the demo (main.ts) and its test.
import { Generator, seed } from '@loom/core';
import {
  Adam,
  Attention,
  Embedding,
  GRUCell,
  LSTMCell,
  Linear,
  Seq2Seq,
  crossEntropy,
  greedyDecode,
  samplingProbability,
  type AttentionKind,
  type SamplingSchedule,
} from '@loom/layers';
import { BOS, EOS, PAD, VOCAB, reversalBatch } from './data.js';

/** How long and how big an experiment is. */
export interface ReversalOptions {
  /** Training steps (one batch each). */
  readonly steps: number;
  readonly batch?: number;
  readonly hidden?: number;
  /** The attention's score, or null for none (the decoder then reads only the encoder's final state). */
  readonly attention?: AttentionKind | null;
  /** Scheduled sampling: the probability of feeding back the model's own prediction grows along it, per step. */
  readonly schedule?: SamplingSchedule;
  readonly seed?: number;
  /** Called every `logEvery` steps with a progress line. */
  readonly log?: (line: string) => void;
  readonly logEvery?: number;
}

/** Exact-sequence and per-token accuracy of greedy outputs. */
export interface Accuracy {
  readonly sequences: number;
  readonly tokens: number;
}

/** A GRU encoder, an LSTM decoder (joined by a linear bridge) and attention, trained to reverse digit strings. */
export class ReversalExperiment {
  readonly model: Seq2Seq;
  readonly g: Generator;

  constructor(readonly options: ReversalOptions) {
    seed(options.seed ?? 1); // weights: the global generator
    this.g = new Generator((options.seed ?? 1) + 7); // data and the coin flips of scheduled sampling
    const [e, h] = [16, options.hidden ?? 32];
    const kind = options.attention === undefined ? 'additive' : options.attention;
    this.model = new Seq2Seq({
      sourceEmbedding: new Embedding(VOCAB, e),
      encoder: new GRUCell(e, h),
      decoder: new LSTMCell(e, h),
      attention: kind === null ? undefined : new Attention(h, h, { kind }),
      output: new Linear(h, VOCAB),
      bridge: 'linear',
      bos: BOS,
      eos: EOS,
    });
  }

  /** Trains with Adam on fresh batches, cross-entropy over the real target tokens. */
  train(): void {
    const { steps, batch = 32, schedule, log, logEvery = 100 } = this.options;
    const optimizer = new Adam(this.model.parameters(), { lr: 0.01 });
    let lossSum = 0;
    for (let step = 1; step <= steps; step++) {
      const { source, lengths, targets } = reversalBatch(this.g, batch);
      const p = schedule ? samplingProbability(schedule, step) : 0;
      const { logits } = this.model.forward(source, targets, { sourceLengths: lengths, samplingProbability: p, generator: this.g });
      const loss = crossEntropy(logits, targets, { ignoreIndex: PAD });
      optimizer.zeroGrad();
      loss.backward();
      optimizer.step();
      lossSum += loss.item();
      if (step % logEvery === 0) {
        const { sequences, tokens } = this.evaluate(200);
        log?.(
          `step ${step}/${steps}  loss ${(lossSum / logEvery).toFixed(4)}  sampling p ${p.toFixed(2)}  held-out: ${percent(sequences)} exact, ${percent(tokens)} tokens`,
        );
        lossSum = 0;
      }
    }
  }

  /** Greedy accuracy on `count` fresh strings (from their own generator, so evaluating never shifts training data). */
  evaluate(count: number, seedOfData = 99): Accuracy {
    const { source, lengths, targets } = reversalBatch(new Generator(seedOfData), count);
    const { sequences } = greedyDecode(this.model.startDecoding(source, { sourceLengths: lengths }), { maxLength: source.length + 1 });
    let [exact, right, total] = [0, 0, 0];
    sequences.forEach((out, b) => {
      const want = targets.map((row) => row[b]!).slice(0, lengths[b]! + 1);
      want.forEach((token, t) => (right += out[t] === token ? 1 : 0));
      total += want.length;
      exact += out.length === want.length && want.every((token, t) => out[t] === token) ? 1 : 0;
    });
    return { sequences: exact / count, tokens: right / total };
  }
}

/** 0.9712 → "97.1%". */
export function percent(fraction: number): string {
  return `${(100 * fraction).toFixed(1)}%`;
}
