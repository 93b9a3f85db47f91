import type { FloatArray, Shape } from '@loom/ops';
import { broadcastAll, sameShape, toTensors, type TensorLike } from '../convert.js';
import { allocUnset } from '../memory.js';
import { ShapeError, fmtShape } from '../errors.js';
import type { Prepared, Raw } from '../define.js';
import type { Tensor } from '../tensor.js';

/** `prepare` of one-input elementwise ops: the input becomes a Tensor; no attributes. */
export function oneTensor(op: string, x: TensorLike): Prepared<undefined> {
  return { inputs: toTensors(op, ['x'], [x]), attrs: undefined };
}

/** `prepare` of two-input elementwise ops: one dtype, broadcast-compatible shapes; the attribute is the output shape. */
export function twoTensors(op: string, a: TensorLike, b: TensorLike): Prepared<Shape> {
  const inputs = toTensors(op, ['a', 'b'], [a, b]);
  return {
    inputs,
    attrs: broadcastAll(
      op,
      ['a', 'b'],
      inputs.map((t) => t.shape),
    ),
  };
}

/** `prepare` of a gradient op `(gy, y)`: one dtype and the same shape (gy is the gradient of y, so never broadcast). */
export function gradientPair(op: string, gy: TensorLike, y: TensorLike): Prepared<undefined> {
  const inputs = toTensors(op, ['gy', 'y'], [gy, y]);
  if (!sameShape(inputs[0]!.shape, inputs[1]!.shape)) {
    throw new ShapeError(`${op}: gy ${fmtShape(inputs[0]!.shape)} and y ${fmtShape(inputs[1]!.shape)} must have the same shape`);
  }
  return { inputs, attrs: undefined };
}

/** Forward of a gradient op `(gy, y)` whose kernel reads both elementwise. */
export function mapGradient([gy, y]: readonly Tensor[], kernel: (gy: FloatArray, y: FloatArray, out: FloatArray) => void): Raw {
  const out = allocUnset(gy!.dtype, gy!.size);
  kernel(gy!.data, y!.data, out);
  return { data: out, shape: gy!.shape };
}

/** Checks a composite's elementwise arguments under its own name: one dtype, shapes that broadcast together. */
export function elementwiseArgs(op: string, names: readonly string[], values: readonly TensorLike[]): Tensor[] {
  const inputs = toTensors(op, names, values);
  broadcastAll(
    op,
    names,
    inputs.map((t) => t.shape),
  );
  return inputs;
}

/** Forward of a one-input elementwise op: a fresh output filled by `kernel`. */
export function mapUnary(x: Tensor, kernel: (x: FloatArray, out: FloatArray) => void): Raw {
  const out = allocUnset(x.dtype, x.size);
  kernel(x.data, out);
  return { data: out, shape: x.shape };
}

type BinaryKernel = (a: FloatArray, aShape: Shape, b: FloatArray, bShape: Shape, out: FloatArray, outShape: Shape) => void;

/** Forward of a two-input elementwise op, broadcasting to `shape`. */
export function mapBinary(kernel: BinaryKernel, [a, b]: readonly Tensor[], shape: Shape): Raw {
  const out = allocUnset(a!.dtype, outSize(shape));
  kernel(a!.data, a!.shape, b!.data, b!.shape, out, shape);
  return { data: out, shape };
}

function outSize(shape: Shape): number {
  return shape.reduce((n, d) => n * d, 1);
}
