import { Generator, ValueError, ones as coreOnes, randn, rand, tensor, zeros as coreZeros, type DType, type Tensor } from '@loom/core';
import { Parameter } from './parameter.js';

/** Options of every initializer. */
export interface InitOptions {
  /** Element type; float32 when absent. */
  readonly dtype?: DType;
  /** Randomness source; the global generator (see `seed`) when absent. The same seed gives bit-identical weights. */
  readonly generator?: Generator;
}

/** Fan-in and fan-out of a weight shape. */
export interface Fans {
  /** Inputs feeding each output unit: shape[1] × receptive field. */
  readonly fanIn: number;
  /** Outputs fed by each input unit: shape[0] × receptive field. */
  readonly fanOut: number;
}

/** Fan-in and fan-out as PyTorch computes them: shape [out, in, ...receptive field]. */
export function fans(shape: readonly number[]): Fans {
  if (shape.length < 2) throw new ValueError(`init: fan-in and fan-out need a shape of rank ≥ 2, got [${shape.join(',')}]`);
  const receptive = shape.slice(2).reduce((n, d) => n * d, 1);
  return { fanIn: shape[1]! * receptive, fanOut: shape[0]! * receptive };
}

function scaled(values: Tensor, scale: number, shift: number): Parameter {
  const p = new Parameter(values);
  p.data.forEach((v, i) => (p.data[i] = v * scale + shift));
  return p;
}

/** Uniform in [low, high). @example `uniform([3, 4], -0.1, 0.1)` */
export function uniform(shape: readonly number[], low: number, high: number, options: InitOptions = {}): Parameter {
  return scaled(rand(shape, options), high - low, low);
}

/** Normal with the given mean and standard deviation. @example `normal([3, 4], 0, 0.02)` */
export function normal(shape: readonly number[], mean: number, std: number, options: InitOptions = {}): Parameter {
  return scaled(randn(shape, options), std, mean);
}

/** Glorot/Xavier uniform: U(−a, a) with a = gain·√(6 / (fanIn + fanOut)). @example `glorotUniform([8, 4])` */
export function glorotUniform(shape: readonly number[], options: InitOptions & { gain?: number } = {}): Parameter {
  const { fanIn, fanOut } = fans(shape);
  const a = (options.gain ?? 1) * Math.sqrt(6 / (fanIn + fanOut));
  return uniform(shape, -a, a, options);
}

/** Glorot/Xavier normal: N(0, gain²·2 / (fanIn + fanOut)). @example `glorotNormal([8, 4])` */
export function glorotNormal(shape: readonly number[], options: InitOptions & { gain?: number } = {}): Parameter {
  const { fanIn, fanOut } = fans(shape);
  return normal(shape, 0, (options.gain ?? 1) * Math.sqrt(2 / (fanIn + fanOut)), options);
}

/** He/Kaiming uniform for ReLU layers: U(−a, a) with a = √(6 / fanIn). @example `heUniform([8, 4])` */
export function heUniform(shape: readonly number[], options: InitOptions = {}): Parameter {
  const a = Math.sqrt(6 / fans(shape).fanIn);
  return uniform(shape, -a, a, options);
}

/** He/Kaiming normal for ReLU layers: N(0, 2 / fanIn). @example `heNormal([8, 4])` */
export function heNormal(shape: readonly number[], options: InitOptions = {}): Parameter {
  return normal(shape, 0, Math.sqrt(2 / fans(shape).fanIn), options);
}

/**
 * A (semi-)orthogonal matrix times `gain`, from the QR decomposition of a Gaussian matrix (Saxe et al. 2014),
 * so uniformly distributed. Shape [rows, cols]: orthonormal rows if rows ≤ cols, else
 * orthonormal columns. A good start for recurrent weights: it preserves norms through time.
 *
 * @example
 * ```ts
 * orthogonal([64, 64]); // W·Wᵀ = I
 * ```
 */
export function orthogonal(shape: readonly number[], options: InitOptions & { gain?: number } = {}): Parameter {
  if (shape.length !== 2) throw new ValueError(`orthogonal: needs a 2-D shape, got [${shape.join(',')}]`);
  const [rows, cols] = shape as [number, number];
  const [n, m] = rows < cols ? [rows, cols] : [cols, rows]; // build n orthonormal vectors of length m
  const g = randn([n, m], { dtype: 'float64', generator: options.generator }).data;
  // Modified Gram–Schmidt, row by row: the same as QR with a positive diagonal in R, which makes the result
  // uniformly distributed over orthogonal matrices (no extra sign correction needed).
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      let dot = 0;
      for (let k = 0; k < m; k++) dot += g[i * m + k]! * g[j * m + k]!;
      for (let k = 0; k < m; k++) g[i * m + k]! -= dot * g[j * m + k]!;
    }
    let norm = 0;
    for (let k = 0; k < m; k++) norm += g[i * m + k]! ** 2;
    norm = Math.sqrt(norm);
    for (let k = 0; k < m; k++) g[i * m + k]! /= norm;
  }
  const gain = options.gain ?? 1;
  const values = Array.from({ length: rows * cols }, (_, e) => {
    const [r, c] = [Math.floor(e / cols), e % cols];
    return gain * (rows < cols ? g[r * m + c]! : g[c * m + r]!);
  });
  return new Parameter(tensor(values, { shape, dtype: options.dtype }));
}

/** A parameter of zeros. @example `zeros([4])` */
export function zeros(shape: readonly number[], options: InitOptions = {}): Parameter {
  return new Parameter(coreZeros(shape, options));
}

/** A parameter of ones. @example `ones([4])` */
export function ones(shape: readonly number[], options: InitOptions = {}): Parameter {
  return new Parameter(coreOnes(shape, options));
}

/** PyTorch's default for RNN, LSTM and GRU weights: U(−1/√H, 1/√H) for hidden size H. @example `rnnUniform([16, 4], 4)` */
export function rnnUniform(shape: readonly number[], hiddenSize: number, options: InitOptions = {}): Parameter {
  const a = 1 / Math.sqrt(hiddenSize);
  return uniform(shape, -a, a, options);
}
