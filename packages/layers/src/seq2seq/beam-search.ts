import { ValueError, noGrad } from '@loom/core';
import { checkDecodeOptions, logProbRows } from './_decoding.js';
import type { DecodeOptions, StepDecoder } from './decode.js';

/** Options of {@link beamSearch}. */
export interface BeamSearchOptions extends DecodeOptions {
  /** Hypotheses kept per source, K ≥ 1. Width 1 is greedy decoding. */
  readonly beamWidth: number;
  /**
   * α in score = Σ log p / length^α, used to rank finished hypotheses; 0 (default) ranks by Σ log p, which favours
   * short outputs, and 1 by the mean log-probability per token.
   */
  readonly lengthPenalty?: number;
}

/** What {@link beamSearch} returns, one entry per source. */
export interface BeamSearchResult {
  /** The best hypothesis, ending with the end token unless `maxLength` cut it off. */
  readonly sequences: number[][];
  /** Its score Σ log p / length^α (Σ log p with the default α = 0). */
  readonly scores: number[];
  /** Its Σ log p. */
  readonly logProbs: number[];
}

/** A partial or finished output: its tokens, Σ log p, and the decoder row that holds its state. */
interface Hypothesis {
  readonly tokens: number[];
  readonly logProb: number;
  readonly row: number;
}

/**
 * Beam search: keeps the K most likely partial outputs of each source, extends each by every token, and keeps the K
 * best of those; a hypothesis that emits the end token is finished. A source stops once K hypotheses have finished
 * (or at `maxLength`, where the unfinished ones count as finished), and its best finished hypothesis by
 * Σ log p / length^α is returned. All sources step together, K rows each; runs under `noGrad`.
 *
 * With K = 1 it makes the same choices as {@link greedyDecode} (ties go to the lower row, then the lower token).
 *
 * @example
 * ```ts
 * const { sequences, scores } = beamSearch(model.startDecoding(source), { beamWidth: 4, maxLength: 12, lengthPenalty: 1 });
 * ```
 */
export function beamSearch<S>(decoder: StepDecoder<S>, options: BeamSearchOptions): BeamSearchResult {
  const { beamWidth: k, maxLength, lengthPenalty: alpha = 0 } = options;
  checkDecodeOptions('beamSearch', decoder, maxLength);
  if (!Number.isInteger(k) || k < 1) throw new ValueError(`beamSearch: beamWidth must be a whole number ≥ 1, got ${k}`);
  if (!Number.isFinite(alpha) || alpha < 0) throw new ValueError(`beamSearch: lengthPenalty must be a finite number ≥ 0, got ${alpha}`);
  const n = decoder.batch;
  const rank = (h: Hypothesis) => h.logProb / Math.pow(h.tokens.length, alpha);
  return noGrad(() => {
    // Row b·K + j holds the j-th live hypothesis of source b; rows past a source's live ones are idle padding.
    let live: Hypothesis[][] = Array.from({ length: n }, (_, b) => [{ tokens: [], logProb: 0, row: b * k }]);
    const finished: Hypothesis[][] = Array.from({ length: n }, () => []);
    let state = decoder.select(
      decoder.initial,
      Array.from({ length: n * k }, (_, r) => Math.floor(r / k)),
    );
    for (let t = 0; t < maxLength && live.some((hs) => hs.length > 0); t++) {
      const tokens = new Array<number>(n * k).fill(decoder.eos);
      live.forEach((hs) => hs.forEach((h) => (tokens[h.row] = h.tokens[h.tokens.length - 1] ?? decoder.bos)));
      const out = decoder.step(tokens, state);
      const logp = logProbRows('beamSearch', out.logits, n * k, decoder.vocabSize, t);
      const parents = Array.from({ length: n * k }, (_, r) => r);
      live = live.map((hs, b) => {
        if (hs.length === 0) return hs;
        const candidates = hs.flatMap((h) => logp[h.row]!.map((lp, token) => ({ h, token, logProb: h.logProb + lp })));
        candidates.sort((x, y) => y.logProb - x.logProb); // stable: ties keep row, then token order
        const next: Hypothesis[] = [];
        for (const c of candidates) {
          if (next.length === k) break;
          const extended = [...c.h.tokens, c.token];
          if (c.token === decoder.eos) {
            finished[b]!.push({ tokens: extended, logProb: c.logProb, row: -1 });
          } else {
            parents[b * k + next.length] = c.h.row; // the new hypothesis continues from its parent's state
            next.push({ tokens: extended, logProb: c.logProb, row: b * k + next.length });
          }
        }
        return finished[b]!.length >= k ? [] : next;
      });
      state = decoder.select(out.state, parents);
    }
    live.forEach((hs, b) => finished[b]!.push(...hs));
    const best = finished.map((hs) => hs.reduce((a, h) => (rank(h) > rank(a) ? h : a)));
    return { sequences: best.map((h) => h.tokens), scores: best.map(rank), logProbs: best.map((h) => h.logProb) };
  });
}
