// Speech recognition in miniature: a GRU reads noisy feature frames and is trained with CTC to spell the labels
// they carry, with no frame-level alignment given. Shared by the demo (main.ts) and its test.
import { Generator, logSoftmax, noGrad, seed, tensor, type Tensor } from '@loom/core';
import { Adam, GRUCell, Linear, Module, Recurrent, clipGradNorm, ctcGreedyDecode, ctcLoss } from '@loom/layers';

/** Labels 1…4; class 0 is the CTC blank, which is also what silence frames should be read as. */
export const LABELS = 4;
/** Features per frame. */
export const FEATURES = 8;
const BLANK = 0;

/** A sequence of feature frames and the labels it spells. */
export interface Utterance {
  readonly frames: number[][];
  readonly labels: number[];
}

/** How big an experiment is. */
export interface ExperimentOptions {
  readonly trainSize: number;
  readonly heldOutSize: number;
  /** Optimizer steps, one batch each. */
  readonly steps: number;
  readonly batch?: number;
  readonly hidden?: number;
  /** Standard deviation of the frame noise; the prototypes have norm about √FEATURES. Default 0.8. */
  readonly noise?: number;
  readonly seed?: number;
  /** Called every `logEvery` steps with a progress line. */
  readonly log?: (line: string) => void;
  readonly logEvery?: number;
}

/**
 * Synthetic utterances: 1–4 labels (repeats allowed), each held for 1–3 frames, with 0–2 silence frames before
 * each label (at least 1 between two equal labels, or 'a a' would be indistinguishable from a long 'a') and after
 * the last. A frame is its class's prototype vector plus Gaussian noise.
 */
export class FrameCorpus {
  private readonly prototypes: number[][];

  constructor(
    private readonly g: Generator,
    private readonly noise: number,
  ) {
    this.prototypes = Array.from({ length: LABELS + 1 }, () => Array.from({ length: FEATURES }, () => g.normal()));
  }

  /** One utterance. */
  utterance(): Utterance {
    const labels = Array.from({ length: this.g.int(1, 5) }, () => this.g.int(1, LABELS + 1));
    const classes: number[] = [];
    labels.forEach((label, i) => {
      const silence = Math.max(this.g.int(0, 3), i > 0 && labels[i - 1] === label ? 1 : 0);
      for (let f = 0; f < silence; f++) classes.push(BLANK);
      for (let f = this.g.int(1, 4); f > 0; f--) classes.push(label);
    });
    for (let f = this.g.int(0, 3); f > 0; f--) classes.push(BLANK);
    const frames = classes.map((k) => this.prototypes[k]!.map((v) => v + this.noise * this.g.normal()));
    return { frames, labels };
  }

  /** `count` utterances. */
  utterances(count: number): Utterance[] {
    return Array.from({ length: count }, () => this.utterance());
  }
}

/** GRU → Linear → logSoftmax: per-frame log-probabilities of the blank and the labels. */
export class FrameModel extends Module {
  readonly rnn: Recurrent<Tensor>;
  readonly out: Linear;

  constructor(hidden: number) {
    super();
    this.rnn = new Recurrent(new GRUCell(FEATURES, hidden));
    this.out = new Linear(hidden, LABELS + 1);
  }

  /** frames [T, B, FEATURES] → log-probabilities [T, B, LABELS + 1]. */
  forward(frames: Tensor, lengths: readonly number[]): Tensor {
    return logSoftmax(this.out.forward(this.rnn.forward(frames, undefined, { lengths }).outputs), -1);
  }
}

/** Utterances as a time-major batch [T, B, FEATURES], zero-padded, with their lengths. */
export function batchOf(utterances: readonly Utterance[]): { frames: Tensor; lengths: number[] } {
  const lengths = utterances.map((u) => u.frames.length);
  const steps = Math.max(...lengths);
  const zero = new Array<number>(FEATURES).fill(0);
  const rows = Array.from({ length: steps }, (_, t) => utterances.map((u) => u.frames[t] ?? zero));
  return { frames: tensor(rows), lengths };
}

/** Levenshtein distance between two label sequences. */
export function editDistance(a: readonly number[], b: readonly number[]): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  a.forEach((x, i) => {
    const row = [i + 1];
    b.forEach((y, j) => row.push(Math.min(previous[j + 1]! + 1, row[j]! + 1, previous[j]! + (x === y ? 0 : 1))));
    previous = row;
  });
  return previous[b.length]!;
}

/** Held-out scores of greedy decoding. */
export interface Scores {
  /** Fraction of utterances decoded exactly. */
  readonly sequenceAccuracy: number;
  /** Edit distance over all utterances divided by the number of labels. */
  readonly labelErrorRate: number;
}

/** A corpus, a model and its training. */
export class Experiment {
  readonly train: Utterance[];
  readonly heldOut: Utterance[];
  readonly model: FrameModel;
  private readonly g: Generator;

  constructor(readonly options: ExperimentOptions) {
    seed(options.seed ?? 7); // weights: the global generator
    this.g = new Generator((options.seed ?? 7) + 1); // data and batch order
    const corpus = new FrameCorpus(this.g, options.noise ?? 0.8);
    this.train = corpus.utterances(options.trainSize);
    this.heldOut = corpus.utterances(options.heldOutSize);
    this.model = new FrameModel(options.hidden ?? 24);
  }

  /** Greedy decodings of `utterances`. */
  decode(utterances: readonly Utterance[]): number[][] {
    const { frames, lengths } = batchOf(utterances);
    const logProbs = noGrad(() => this.model.forward(frames, lengths));
    return ctcGreedyDecode(logProbs, lengths);
  }

  /** Scores on `utterances` (held-out by default). */
  evaluate(utterances: readonly Utterance[] = this.heldOut): Scores {
    const decoded = this.decode(utterances);
    const exact = decoded.filter((d, i) => editDistance(d, utterances[i]!.labels) === 0).length;
    const errors = decoded.reduce((s, d, i) => s + editDistance(d, utterances[i]!.labels), 0);
    const labels = utterances.reduce((s, u) => s + u.labels.length, 0);
    return { sequenceAccuracy: exact / utterances.length, labelErrorRate: errors / labels };
  }

  /** Trains with Adam on ctcLoss ('mean': per label, averaged over the batch); returns the last batch's loss. */
  fit(): number {
    const { steps, batch = 32, log, logEvery = 50 } = this.options;
    const params = this.model.parameters();
    const optimizer = new Adam(params, { lr: 0.01 });
    let loss = NaN;
    for (let step = 1; step <= steps; step++) {
      const utterances = Array.from({ length: batch }, () => this.train[this.g.int(0, this.train.length)]!);
      const { frames, lengths } = batchOf(utterances);
      const logProbs = this.model.forward(frames, lengths);
      const labels = utterances.map((u) => u.labels);
      const targetLengths = labels.map((l) => l.length);
      const value = ctcLoss(logProbs, labels, lengths, targetLengths);
      optimizer.zeroGrad();
      value.backward();
      clipGradNorm(params, 5);
      optimizer.step();
      loss = value.item();
      if (log && step % logEvery === 0) {
        const { sequenceAccuracy, labelErrorRate } = this.evaluate();
        log(
          `step ${step}/${steps}  loss ${loss.toFixed(3)}  held-out: exact ${percent(sequenceAccuracy)}, label error rate ${percent(labelErrorRate)}`,
        );
      }
    }
    return loss;
  }
}

/** 0.9712 → "97.1%". */
export function percent(fraction: number): string {
  return `${(100 * fraction).toFixed(1)}%`;
}
