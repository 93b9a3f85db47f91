import type { Shape } from '@loom/ops';
import type { Tensor } from './tensor.js';

/**
 * Where an op's input values are drawn from in the gradient-check table. Domains keep the finite differences away
 * from kinks and poles (e.g. `log` near 0), where a central difference says nothing about the derivative.
 */
export type Domain = RealDomain | AwayFromDomain | MaskDomain;

/** Values uniform in [min, max]. */
export interface RealDomain {
  /** Tag of this domain. */
  readonly kind: 'real';
  /** Smallest value. */
  readonly min: number;
  /** Largest value. */
  readonly max: number;
}

/** Values at a distance in [gap, gap + spread] from `point`, either side. */
export interface AwayFromDomain {
  /** Tag of this domain. */
  readonly kind: 'awayFrom';
  /** The point to keep away from (a kink or pole). */
  readonly point: number;
  /** Smallest distance from the point. */
  readonly gap: number;
  /** Width of the band beyond the gap. */
  readonly spread: number;
}

/** Exactly 0 or 1. */
export interface MaskDomain {
  /** Tag of this domain. */
  readonly kind: 'mask';
}

/** Values uniform in [min, max]; by default [−2, 2]. */
export function real(min = -2, max = 2): Domain {
  return { kind: 'real', min, max };
}

/** Values in [min, max] with min > 0; by default [0.5, 2.5]. */
export function positive(min = 0.5, max = 2.5): Domain {
  return { kind: 'real', min, max };
}

/** Values at distance `gap`…`gap + spread` from `point`, on either side. */
export function awayFrom(point: number, gap = 0.25, spread = 1.75): Domain {
  return { kind: 'awayFrom', point, gap, spread };
}

/** Exactly 0 or 1: a condition or mask input, which the op does not differentiate. */
export function mask(): Domain {
  return { kind: 'mask' };
}

/** Integer draws for a check row; the property test backs it with fast-check so failures shrink and replay. */
export interface Pick {
  /** A whole number in [min, max]. */
  int(min: number, max: number): number;
}

/**
 * One row of the gradient-check table: how to draw inputs for an op and how far to check it. Every exported op
 * has one, and a single property test walks them all (see `packages/core/test/gradcheck-table.test.ts`).
 */
export interface CheckRow {
  /** Domain of each tensor argument, in order. */
  readonly inputs: readonly Domain[];
  /** Highest derivative order that must match finite differences: 1, or 2 for grad-of-grad. */
  readonly order: 1 | 2;
  /** Input shapes; by default independent broadcast-compatible shapes of rank 0–3 with sizes 1–4. */
  readonly shapes?: (pick: Pick) => Shape[];
  /** How to call the op on drawn inputs; by default `op(...inputs)`. Draw any extra arguments from `pick`. */
  readonly call?: (inputs: Tensor[], pick: Pick) => Tensor | Tensor[];
  /** Finite-difference step; PyTorch's 1e-6 when absent. Raise it only for ops that round (e.g. to float32). */
  readonly eps?: number;
  /** Absolute tolerance; PyTorch's gradcheck default 1e-5 when absent. */
  readonly atol?: number;
  /** Relative tolerance; PyTorch's gradcheck default 1e-3 when absent. */
  readonly rtol?: number;
}

/** What every op function carries: its name for messages and its row of the check table. */
export interface OpInfo {
  /** The op's name as messages and graph dumps print it. */
  readonly opName: string;
  /** This op's row of the gradient-check table. */
  readonly check: CheckRow;
}

/** A random shape with rank in [minRank, maxRank] and sizes in [1, maxSize], drawn from `pick`. */
export function randomShape(pick: Pick, minRank = 0, maxRank = 3, maxSize = 4): number[] {
  return Array.from({ length: pick.int(minRank, maxRank) }, () => pick.int(1, maxSize));
}
