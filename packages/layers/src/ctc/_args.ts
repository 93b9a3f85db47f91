import { ShapeError, Tensor, ValueError } from '@loom/core';
import { fmt } from '../losses/_reduction.js';

/**
 * Target label sequences of {@link ctcLoss}, in either of PyTorch's two forms: padded, one row per sequence
 * ([N, S] with S ≥ every target length; entries past a row's length are ignored), or concatenated, all sequences
 * one after the other (1-D, exactly as long as the target lengths add up to). Labels are whole numbers in [0, C)
 * other than the blank. A Tensor holds them as floats; plain arrays may have rows of different lengths.
 */
export type CtcTargets = Tensor | Int32Array | readonly number[] | readonly (readonly number[])[];

/** One whole number per sequence of the batch: a 1-D Tensor, an Int32Array or a plain array. */
export type CtcLengths = Tensor | Int32Array | readonly number[];

/** The sizes of logProbs [T, N, C]. */
export interface CtcSizes {
  /** T, the number of frames. */
  readonly steps: number;
  /** N, the number of sequences. */
  readonly batch: number;
  /** C, the number of classes, the blank included. */
  readonly classes: number;
}

/** A checked batch: one label array per sequence and its number of real frames. */
export interface CtcBatch extends CtcSizes {
  readonly blank: number;
  readonly labels: readonly (readonly number[])[];
  readonly inputLengths: readonly number[];
}

/** T, N and C of logProbs, or a ShapeError naming `name` when it is not [T, N, C]. */
export function ctcSizes(name: string, logProbs: Tensor): CtcSizes {
  if (!(logProbs instanceof Tensor) || logProbs.rank !== 3) {
    const got = logProbs instanceof Tensor ? fmt(logProbs.shape) : typeof logProbs;
    throw new ShapeError(`${name}: logProbs must have shape [T, N, C] (frames, batch, classes), got ${got}`);
  }
  const [steps, batch, classes] = logProbs.shape as [number, number, number];
  if (classes === 0) throw new ShapeError(`${name}: logProbs ${fmt(logProbs.shape)} has no classes (C = 0)`);
  return { steps, batch, classes };
}

/** The blank index, checked to be a class of logProbs. */
export function checkBlank(name: string, blank: number, logProbs: Tensor): number {
  const classes = logProbs.shape[2]!;
  if (!Number.isInteger(blank) || blank < 0 || blank >= classes) {
    throw new ValueError(`${name}: blank ${blank} must be a whole number in [0, ${classes}) (logProbs ${fmt(logProbs.shape)})`);
  }
  return blank;
}

/**
 * N whole numbers, at most the T of logProbs when `upToT` (input lengths), or a typed error naming the argument
 * and the logProbs shape.
 */
export function checkLengths(name: string, arg: string, lengths: CtcLengths, logProbs: Tensor, upToT: boolean): number[] {
  const steps = logProbs.shape[0]!;
  const batch = logProbs.shape[1]!;
  if (lengths instanceof Tensor && lengths.rank !== 1) {
    throw new ShapeError(`${name}: ${arg} must be 1-D with one entry per sequence, got shape ${fmt(lengths.shape)}`);
  }
  const values = Array.from(lengths instanceof Tensor ? lengths.data : (lengths as ArrayLike<number>));
  if (values.length !== batch) {
    throw new ShapeError(`${name}: ${arg} has ${values.length} entries but logProbs ${fmt(logProbs.shape)} has batch size N = ${batch}`);
  }
  values.forEach((v, n) => {
    if (!Number.isInteger(v) || v < 0 || (upToT && v > steps)) {
      const range = upToT ? `in 0…${steps} (T = ${steps} frames; ` : '≥ 0 (';
      throw new ValueError(`${name}: ${arg}[${n}] = ${v} must be a whole number ${range}logProbs ${fmt(logProbs.shape)})`);
    }
  });
  return values;
}

/** The decoders' input lengths: checked, or T for every sequence when absent. */
export function decodeLengths(name: string, inputLengths: CtcLengths | undefined, logProbs: Tensor): number[] {
  const [steps, batch] = logProbs.shape as [number, number];
  return inputLengths === undefined
    ? new Array<number>(batch).fill(steps)
    : checkLengths(name, 'inputLengths', inputLengths, logProbs, true);
}

/** Checks every argument of ctcLoss and turns the targets, in either form, into one label array per sequence. */
export function ctcBatch(
  name: string,
  logProbs: Tensor,
  targets: CtcTargets,
  inputLengths: CtcLengths,
  targetLengths: CtcLengths,
  blankOption: number,
): CtcBatch {
  const sizes = ctcSizes(name, logProbs);
  const blank = checkBlank(name, blankOption, logProbs);
  const frames = checkLengths(name, 'inputLengths', inputLengths, logProbs, true);
  const wanted = checkLengths(name, 'targetLengths', targetLengths, logProbs, false);
  const rows = targetRows(name, targets, wanted, sizes.batch);
  const labels = rows.map((row, n) => {
    const sequence = Array.from({ length: wanted[n]! }, (_, s) => row[s]!);
    sequence.forEach((label, s) => {
      const where = `target ${label} of sequence ${n} (position ${s})`;
      if (!Number.isInteger(label) || label < 0 || label >= sizes.classes) {
        throw new ValueError(`${name}: ${where} must be a whole number in [0, ${sizes.classes}) (logProbs ${fmt(logProbs.shape)})`);
      }
      if (label === blank) throw new ValueError(`${name}: ${where} is the blank (${blank}), which cannot be a target label`);
    });
    return sequence;
  });
  return { ...sizes, blank, labels, inputLengths: frames };
}

/** The rows of padded targets, or the concatenated targets cut at the target lengths. */
function targetRows(name: string, targets: CtcTargets, lengths: readonly number[], batch: number): ArrayLike<number>[] {
  const rowWidths = (widths: readonly number[], shape: string): void => {
    lengths.forEach((len, n) => {
      if (len > widths[n]!) {
        throw new ShapeError(`${name}: targets ${shape} have ${widths[n]} labels in row ${n} but targetLengths[${n}] = ${len}`);
      }
    });
  };
  if (targets instanceof Tensor && targets.rank === 2) {
    const [rows, width] = targets.shape as [number, number];
    if (rows !== batch) throw new ShapeError(`${name}: padded targets ${fmt(targets.shape)} need one row per sequence (N = ${batch})`);
    rowWidths(new Array<number>(rows).fill(width), fmt(targets.shape));
    return lengths.map((_, n) => targets.data.subarray(n * width, (n + 1) * width));
  }
  if (targets instanceof Tensor && targets.rank !== 1) {
    throw new ShapeError(`${name}: targets must be padded [N, S] or concatenated 1-D, got shape ${fmt(targets.shape)}`);
  }
  const flat = targets instanceof Tensor ? targets.data : targets;
  if (flat.length > 0 && Array.isArray(flat[0])) {
    const rows = targets as readonly (readonly number[])[];
    if (rows.length !== batch) throw new ShapeError(`${name}: padded targets have ${rows.length} rows but N = ${batch} sequences`);
    const widths = rows.map((r) => r.length);
    rowWidths(widths, `(${rows.length} rows)`);
    return [...rows];
  }
  const values = flat as ArrayLike<number>;
  const total = lengths.reduce((a, b) => a + b, 0);
  if (values.length !== total) {
    throw new ShapeError(`${name}: concatenated targets have ${values.length} labels but targetLengths add up to ${total}`);
  }
  let start = 0;
  return lengths.map((len) => {
    const row = Array.from({ length: len }, (_, i) => values[start + i]!);
    start += len;
    return row;
  });
}
