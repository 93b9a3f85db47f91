import { ValueError } from '@loom/core';

/**
 * How the probability of teacher forcing decays during training (Bengio et al. 2015, "Scheduled sampling"). With
 * i the training step (or epoch), the probability ε_i of feeding the ground truth is
 *
 * ```text
 * linear:          ε_i = max(ε_min, k − c·i)            k = `start` (default 1), c = `slope`, ε_min = `floor` (default 0)
 * exponential:     ε_i = k^i                             0 < k < 1
 * inverseSigmoid:  ε_i = k / (k + exp(i / k))            k ≥ 1
 * ```
 */
export type SamplingSchedule =
  | {
      /** ε_i = max(ε_min, k − c·i). */
      readonly kind: 'linear';
      /** c ≥ 0, the decrease per step. */
      readonly slope: number;
      /** k in [0, 1], ε at step 0. Default 1. */
      readonly start?: number;
      /** ε_min in [0, k], the lowest ε. Default 0. */
      readonly floor?: number;
    }
  | {
      /** ε_i = k^i. */
      readonly kind: 'exponential';
      /** 0 < k < 1. */
      readonly k: number;
    }
  | {
      /** ε_i = k / (k + exp(i / k)). */
      readonly kind: 'inverseSigmoid';
      /** k ≥ 1: larger k decays later. */
      readonly k: number;
    };

/**
 * The probability 1 − ε_i of feeding the model's own prediction instead of the ground truth at training step `i`
 * ({@link SamplingSchedule} gives ε_i). It starts near 0 (teacher forcing) and never decreases; pass it to
 * `Seq2Seq.forward` as `samplingProbability`.
 *
 * @example
 * ```ts
 * const schedule: SamplingSchedule = { kind: 'inverseSigmoid', k: 50 };
 * model.forward(source, targets, { samplingProbability: samplingProbability(schedule, epoch), generator });
 * ```
 */
export function samplingProbability(schedule: SamplingSchedule, i: number): number {
  if (!Number.isFinite(i) || i < 0) throw new ValueError(`samplingProbability: step must be a finite number ≥ 0, got ${i}`);
  return 1 - teacherProbability(schedule, i);
}

/** ε_i, after checking the schedule's constants. */
function teacherProbability(schedule: SamplingSchedule, i: number): number {
  const bad = (what: string, value: number | undefined) => new ValueError(`samplingProbability('${schedule.kind}'): ${what}, got ${value}`);
  switch (schedule.kind) {
    case 'linear': {
      const { slope, start = 1, floor = 0 } = schedule;
      if (!(slope >= 0 && Number.isFinite(slope))) throw bad('slope must be a finite number ≥ 0', slope);
      if (!(start >= 0 && start <= 1)) throw bad('start must be in [0, 1]', start);
      if (!(floor >= 0 && floor <= start)) throw bad(`floor must be in [0, start = ${start}]`, floor);
      return Math.max(floor, start - slope * i);
    }
    case 'exponential':
      if (!(schedule.k > 0 && schedule.k < 1)) throw bad('k must be in (0, 1)', schedule.k);
      return Math.pow(schedule.k, i);
    case 'inverseSigmoid':
      if (!(schedule.k >= 1 && Number.isFinite(schedule.k))) throw bad('k must be a finite number ≥ 1', schedule.k);
      // k / (k + e^{i/k}) = 1 / (1 + e^{i/k − ln k}); this form does not overflow to ∞/∞ for large i.
      return 1 / (1 + Math.exp(i / schedule.k - Math.log(schedule.k)));
    default:
      throw new ValueError(
        `samplingProbability: kind must be 'linear', 'exponential' or 'inverseSigmoid', got '${(schedule as { kind: string }).kind}'`,
      );
  }
}
