import { DTypeError, LoomError, ShapeError, Tensor, ValueError, pad, stack, tensor, zeros, type DType, type NestedArray } from '@loom/core';

/** Options of {@link padSequences}. */
export interface PadSequencesOptions {
  /** The value written into padded steps. Default 0 (finite padding keeps the cell's gradients finite). */
  readonly padValue?: number;
  /** Put the batch axis first ([B, T, …]) instead of time first ([T, B, …]). Default false, as `Recurrent`. */
  readonly batchFirst?: boolean;
  /** Element type when no sequence is a Tensor. Default float32; tensors keep their own dtype. */
  readonly dtype?: DType;
}

/** What {@link padSequences} returns: one padded tensor and both forms of `Recurrent`'s {@link SequenceMask}. */
export interface PaddedSequences {
  /** The sequences padded to the longest, [T, B, …F] (or [B, T, …F] with `batchFirst`). */
  readonly padded: Tensor;
  /** The number of real steps of each sequence, in the order given. */
  readonly lengths: number[];
  /** 1 for a real step and 0 for padding, [T, B] (or [B, T]), in the padded tensor's dtype. */
  readonly mask: Tensor;
}

/** One sequence: a Tensor [Tᵢ, …F], or nested arrays of the same shape (plain numbers for a sequence of ids). */
export type SequenceInput = Tensor | NestedArray;

/**
 * Pads variable-length sequences to the longest one and stacks them into a batch, with the lengths and the mask
 * that `Recurrent` (and every `SequenceLayer`) takes as its third argument.
 *
 * Sequence i has shape [Tᵢ, …F] (every sequence the same step shape F, possibly none: `[[3, 1, 4], [1, 5]]` is two
 * id sequences). With T = max Tᵢ: padded[t, i] = sequence i's step t for t < Tᵢ and `padValue` after;
 * mask[t, i] = 1 for t < Tᵢ, else 0; lengths[i] = Tᵢ. Built from `pad` and `stack`, so tensors that carry
 * gradients (e.g. embeddings) keep them.
 *
 * Shapes: → padded [T, B, …F] (batchFirst: [B, T, …F]); mask [T, B] ([B, T]); lengths B numbers.
 *
 * @throws ValueError when no sequence is given; ShapeError when a sequence is a scalar, or its steps are shaped
 * differently from the first sequence's (the message names both sequences and their shapes); DTypeError when the
 * tensors do not share one dtype.
 *
 * @example
 * ```ts
 * const { padded, lengths, mask } = padSequences([[[1], [2], [3]], [[4]]]); // two sequences of 1 feature
 * padded.shape; // [3, 2, 1], zeros after the 4
 * lengths;      // [3, 1]
 * new Recurrent(new GRUCell(1, 8)).forward(padded, undefined, { lengths });
 * ```
 */
export function padSequences(sequences: readonly SequenceInput[], options: PadSequencesOptions = {}): PaddedSequences {
  const { padValue = 0, batchFirst = false } = options;
  if (sequences.length === 0) throw new ValueError('padSequences: needs at least one sequence, got none');
  if (!Number.isFinite(padValue)) throw new ValueError(`padSequences: padValue must be finite, got ${padValue}`);
  const given = sequences.find((s): s is Tensor => s instanceof Tensor);
  const dtype = given?.dtype ?? options.dtype ?? 'float32';
  const tensors = sequences.map((s, i) => asTensor(s, i, dtype));
  // An empty sequence takes its step shape from the others: `[]` fits any feature size.
  const reference = tensors.findIndex((t) => t.shape[0] !== 0);
  const step = (reference < 0 ? tensors[0]! : tensors[reference]!).shape.slice(1);
  const fitted = tensors.map((t, i) => {
    if (t.dtype !== dtype) {
      throw new DTypeError(`padSequences: sequence ${i} is ${t.dtype} but sequence ${sequences.indexOf(given!)} is ${dtype}`);
    }
    if (t.shape[0] === 0) return zeros([0, ...step], { dtype });
    if (t.rank !== step.length + 1 || t.shape.some((d, k) => k > 0 && d !== step[k - 1])) {
      throw new ShapeError(
        `padSequences: sequence ${i} has shape [${t.shape.join(',')}] (steps [${t.shape.slice(1).join(',')}]) ` +
          `but sequence ${reference} has steps [${step.join(',')}]; every step must have the same shape`,
      );
    }
    return t;
  });
  const lengths = fitted.map((t) => t.shape[0]!);
  const steps = Math.max(...lengths);
  const padded = stack(
    fitted.map((t) => (t.shape[0] === steps ? t : pad(t, [[0, steps - t.shape[0]!]], padValue))),
    batchFirst ? 0 : 1,
  );
  const batch = lengths.length;
  const values = Array.from({ length: steps * batch }, (_, e) => {
    const [t, b] = batchFirst ? [e % steps, Math.floor(e / steps)] : [Math.floor(e / batch), e % batch];
    return t < lengths[b]! ? 1 : 0;
  });
  const mask = tensor(values, { shape: batchFirst ? [batch, steps] : [steps, batch], dtype });
  return { padded, lengths, mask };
}

function asTensor(s: SequenceInput, i: number, dtype: DType): Tensor {
  let t: Tensor;
  try {
    t = s instanceof Tensor ? s : tensor(s, { dtype });
  } catch (e) {
    if (!(e instanceof LoomError)) throw e;
    const Kind = e.constructor as new (message: string) => LoomError;
    throw new Kind(`padSequences: sequence ${i}: ${e.message}`);
  }
  if (t.rank === 0) throw new ShapeError(`padSequences: sequence ${i} is a scalar; a sequence needs a time axis ([T, …])`);
  return t;
}
