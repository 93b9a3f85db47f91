import { LoomError, Tensor, ShapeError, ValueError, gather, noGrad, zeros, type DType } from '@loom/core';
import type { Cell, State } from '../cell.js';

/** Token ids, time-major: `ids[t][b]` is the token of sequence b at step t. */
export type TokenMatrix = readonly (readonly number[])[];

/** Checks that `ids` is a [T][B] matrix of whole numbers in 0…vocab−1 and returns T and B. */
export function checkTokens(name: string, what: string, ids: TokenMatrix, vocab: number): { steps: number; batch: number } {
  const steps = ids.length;
  const batch = ids[0]?.length ?? 0;
  if (steps === 0 || batch === 0) throw new ShapeError(`${name}: ${what} must be a non-empty [T][B] matrix of token ids`);
  ids.forEach((row, t) => {
    if (row.length !== batch) throw new ShapeError(`${name}: ${what} row ${t} has ${row.length} tokens but row 0 has ${batch} ([T][B])`);
    row.forEach((id, b) => {
      if (!Number.isInteger(id) || id < 0 || id >= vocab) {
        throw new ValueError(`${name}: ${what}[${t}][${b}] = ${id} is not a token id in 0…${vocab - 1} (at time step ${t})`);
      }
    });
  });
  return { steps, batch };
}

/** Rows `rows` of every tensor of a state (a tensor or a tuple of tensors). */
export function selectRows<S extends State>(state: S, rows: readonly number[]): S {
  if (state instanceof Tensor) return gather(state, rows, 0) as S;
  return (state as readonly Tensor[]).map((t) => gather(t, rows, 0)) as unknown as S;
}

/** Features of the output of one step of `cell` on `width` input features, found by running one step on zeros. */
export function outputWidth(name: string, what: string, cell: Cell<State>, width: number, dtype: DType): number {
  try {
    return noGrad(() => cell.step(zeros([1, width], { dtype }), cell.initialState(1))[0].shape[1]!);
  } catch (e) {
    if (!(e instanceof LoomError)) throw e;
    const Kind = e.constructor as new (message: string) => LoomError;
    throw new Kind(`${name}: the ${what} cell cannot take ${width} input features: ${e.message}`);
  }
}
