// The hierarchical auto-encoder on documents of 2–3 "sentences" of 2–3 digits each: words → sentence vectors →
// one document vector, and back. Shared by the demo (main.ts) and its test.
import { Generator, seed } from '@loom/core';
import { Adam, Embedding, GRUCell, HierarchicalAutoencoder, Linear, crossEntropy, type Documents } from '@loom/layers';
import { BOS, EOS, FIRST_DIGIT, PAD } from './experiment.js';

/** How long and how big an experiment is. */
export interface HierarchicalOptions {
  readonly steps: number;
  readonly batch?: number;
  readonly hidden?: number;
  readonly seed?: number;
  readonly log?: (line: string) => void;
  readonly logEvery?: number;
}

/** `count` documents of 2–3 sentences of 2–3 digit tokens. */
export function documents(g: Generator, count: number): number[][][] {
  const sentence = () => Array.from({ length: g.int(2, 4) }, () => FIRST_DIGIT + g.int(0, 10));
  return Array.from({ length: count }, () => Array.from({ length: g.int(2, 4) }, sentence));
}

/** GRUs at both levels on both sides. */
export class HierarchicalExperiment {
  readonly model: HierarchicalAutoencoder;
  readonly g: Generator;

  constructor(readonly options: HierarchicalOptions) {
    seed(options.seed ?? 5);
    this.g = new Generator((options.seed ?? 5) + 13);
    const [e, h] = [16, options.hidden ?? 64];
    this.model = new HierarchicalAutoencoder({
      embedding: new Embedding(FIRST_DIGIT + 10, e),
      wordEncoder: new GRUCell(e, h),
      sentenceEncoder: new GRUCell(h, h),
      sentenceDecoder: new GRUCell(h, h),
      wordDecoder: new GRUCell(e + h, h),
      output: new Linear(h, FIRST_DIGIT + 10),
      bos: BOS,
      eos: EOS,
      pad: PAD,
    });
  }

  /** Trains with Adam on fresh documents. */
  train(): void {
    const { steps, batch = 32, log, logEvery = 100 } = this.options;
    const optimizer = new Adam(this.model.parameters(), { lr: 0.01 });
    let lossSum = 0;
    for (let step = 1; step <= steps; step++) {
      const { logits, targets } = this.model.forward(documents(this.g, batch));
      const loss = crossEntropy(logits, targets, { ignoreIndex: PAD });
      optimizer.zeroGrad();
      loss.backward();
      optimizer.step();
      lossSum += loss.item();
      if (step % logEvery === 0) {
        const { sentences, tokens } = this.evaluate(100);
        log?.(
          `step ${step}/${steps}  loss ${(lossSum / logEvery).toFixed(4)}  held-out: ${(100 * sentences).toFixed(1)}% sentences, ${(100 * tokens).toFixed(1)}% tokens`,
        );
        lossSum = 0;
      }
    }
  }

  /** Greedy reconstruction accuracy on `count` fresh documents: whole sentences (with their end token) and tokens. */
  evaluate(count: number, seedOfData = 99): { sentences: number; tokens: number } {
    const docs: Documents = documents(new Generator(seedOfData), count);
    const outputs = this.model.reconstruct(docs);
    let [exact, sentences, right, total] = [0, 0, 0, 0];
    docs.forEach((doc, b) =>
      doc.forEach((words, n) => {
        const [want, got] = [[...words, EOS], outputs[b]![n]!];
        want.forEach((token, t) => (right += got[t] === token ? 1 : 0));
        total += want.length;
        sentences += 1;
        exact += got.length === want.length && want.every((token, t) => got[t] === token) ? 1 : 0;
      }),
    );
    return { sentences: exact / sentences, tokens: right / total };
  }
}
