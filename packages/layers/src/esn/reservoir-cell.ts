import { add, linear, mul, rand, tanh, tensor, ValueError, zeros, type DType, type Tensor } from '@loom/core';
import { ProjectedCell } from '../cell.js';
import type { InitOptions } from '../init.js';
import { Parameter } from '../parameter.js';
import { spectralRadius, type SpectralRadiusOptions } from './spectral-radius.js';

/** Options of {@link ReservoirCell}. */
export interface ReservoirCellOptions extends InitOptions {
  /** Fraction of nonzero recurrent weights, in (0, 1] (default 0.1). */
  readonly density?: number;
  /** The spectral radius ρ(W) the recurrent weights are scaled to (default 0.9; below 1 for the echo state property). */
  readonly spectralRadius?: number;
  /** Input weights are U(−s, s) for this s (default 1). */
  readonly inputScaling?: number;
  /** The bias is U(−s, s) for this s (default 0: no bias until trained). */
  readonly biasScaling?: number;
  /** Leak rate a in (0, 1]: 1 (default) is a plain tanh reservoir, smaller values integrate more slowly. */
  readonly leakRate?: number;
  /** Make W_in, W and b Parameters, for end-to-end training through the reservoir (default false: fixed). */
  readonly trainable?: boolean;
  /** How the spectral radius is estimated when scaling W (see {@link spectralRadius}). */
  readonly radiusEstimate?: SpectralRadiusOptions;
}

/**
 * The leaky-integrator reservoir of an echo state network (Jaeger 2001; Jaeger et al. 2007):
 *
 * ```text
 * h' = (1 − a) h + a tanh(W_in x + W h + b)
 * ```
 *
 * W is random and sparse (each entry nonzero with probability `density`, then U(−1, 1)), rescaled so that its
 * spectral radius, estimated by {@link spectralRadius}, equals `spectralRadius`. It is stored dense, since loom has
 * no sparse product (for reservoirs of a few hundred units the dense one is fast enough). W_in is U(±inputScaling),
 * b is U(±biasScaling). By default none of them is a Parameter: the reservoir is fixed and only a readout is fitted
 * (see {@link EchoStateNetwork}); with `trainable: true` they are Parameters and gradients flow through them.
 *
 * Shapes: x [B, I]; state and output h [B, R]. Fields `weightIn` [R, I], `weight` [R, R], `bias` [R].
 *
 * @example
 * ```ts
 * const cell = new ReservoirCell(1, 200, { spectralRadius: 0.95, leakRate: 0.3 });
 * const { outputs } = new Recurrent(cell).forward(x); // x [T, B, 1] → [T, B, 200]
 * ```
 */
export class ReservoirCell extends ProjectedCell<Tensor> {
  /** Input weights [R, I]. */
  readonly weightIn: Tensor;
  /** Recurrent weights [R, R], scaled to the chosen spectral radius. */
  readonly weight: Tensor;
  /** Bias [R]. */
  readonly bias: Tensor;
  /** Leak rate a. */
  readonly leakRate: number;
  private readonly dtype: DType;

  /** A reservoir of `reservoirSize` units reading `inputSize` features; see {@link ReservoirCellOptions}. */
  constructor(
    override readonly inputSize: number,
    /** Reservoir units R. */
    readonly reservoirSize: number,
    options: ReservoirCellOptions = {},
  ) {
    super();
    const { density = 0.1, inputScaling = 1, biasScaling = 0, leakRate = 1, trainable = false } = options;
    const radius = options.spectralRadius ?? 0.9;
    for (const [name, value] of Object.entries({ inputSize, reservoirSize })) {
      if (!Number.isInteger(value) || value < 1) throw new ValueError(`ReservoirCell: ${name} must be a whole number ≥ 1, got ${value}`);
    }
    if (!(density > 0 && density <= 1)) throw new ValueError(`ReservoirCell: density must be in (0, 1], got ${density}`);
    if (!(leakRate > 0 && leakRate <= 1)) throw new ValueError(`ReservoirCell: leakRate must be in (0, 1], got ${leakRate}`);
    if (!(radius > 0) || !(inputScaling >= 0) || !(biasScaling >= 0)) {
      throw new ValueError(
        `ReservoirCell: spectralRadius must be > 0 and the scalings ≥ 0, got ${radius}, inputScaling ${inputScaling}, biasScaling ${biasScaling}`,
      );
    }
    this.dtype = options.dtype ?? 'float32';
    this.leakRate = leakRate;
    const { generator } = options;
    const uniform = (shape: number[], scale: number) => rand(shape, { dtype: 'float64', generator }).data.map((u) => (2 * u - 1) * scale);
    const mask = rand([reservoirSize, reservoirSize], { dtype: 'float64', generator }).data;
    const w = uniform([reservoirSize, reservoirSize], 1).map((v, i) => (mask[i]! < density ? v : 0));
    const rho = spectralRadius(tensor(w, { shape: [reservoirSize, reservoirSize], dtype: 'float64' }), {
      generator,
      ...options.radiusEstimate,
    });
    if (!(rho > 0)) {
      throw new ValueError(
        `ReservoirCell: the random recurrent weights have spectral radius 0 (nilpotent or empty); raise density (${density})`,
      );
    }
    const make = (values: ArrayLike<number>, shape: number[]) => {
      const t = tensor(values, { shape, dtype: this.dtype });
      return trainable ? new Parameter(t) : t;
    };
    this.weight = make(
      w.map((v) => (v * radius) / rho),
      [reservoirSize, reservoirSize],
    );
    this.weightIn = make(uniform([reservoirSize, inputSize], inputScaling), [reservoirSize, inputSize]);
    this.bias = make(uniform([reservoirSize], biasScaling), [reservoirSize]);
  }

  /** Zeros [batch, R]. */
  initialState(batch: number): Tensor {
    return zeros([batch, this.reservoirSize], { dtype: this.dtype });
  }

  /** W_in x + b for inputs with any leading axes, [..., R]. */
  project(x: Tensor): Tensor {
    return linear(x, this.weightIn, this.bias);
  }

  /** h' = (1 − a) h + a tanh(projected + W h). */
  stepProjected(projected: Tensor, h: Tensor): [Tensor, Tensor] {
    const activation = tanh(linear(h, this.weight, projected));
    const next = this.leakRate === 1 ? activation : add(mul(h, 1 - this.leakRate), mul(activation, this.leakRate));
    return [next, next];
  }
}
