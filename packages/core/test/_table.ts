import * as core from '@loom/core';
import type { CheckRow, Domain, OpInfo, Pick, Tensor } from '@loom/core';
import { randomShape } from '@loom/core/testing';
import { fc } from '@fast-check/vitest';

/** Every exported op of @loom/core (a function carrying a check row), by export name. */
export const ops: [string, ((...args: never[]) => Tensor | Tensor[]) & OpInfo][] = Object.entries(core)
  .filter(([, v]) => typeof v === 'function' && 'check' in v)
  .map(([k, v]) => [k, v as ((...args: never[]) => Tensor | Tensor[]) & OpInfo]);

/** A Pick backed by fast-check's `gen`, so every draw shrinks and replays from the printed seed. */
export function pickFrom(g: fc.GeneratorValue): Pick {
  return { int: (min, max) => g(fc.integer, { min, max }) };
}

/** Default input shapes: one broadcast target of rank 0–3, and per input a suffix of it with some sizes set to 1. */
export function defaultShapes(count: number, pick: Pick): number[][] {
  const target = randomShape(pick);
  return Array.from({ length: count }, () => target.slice(pick.int(0, target.length)).map((d) => (pick.int(0, 3) === 0 ? 1 : d)));
}

/** Values for one input, drawn in float64 from its domain with a seeded generator. */
export function draw(domain: Domain, shape: readonly number[], g: core.Generator): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const values = Array.from({ length: n }, () => {
    const u = g.uniform();
    switch (domain.kind) {
      case 'real':
        return domain.min + u * (domain.max - domain.min);
      case 'awayFrom':
        return domain.point + (g.uniform() < 0.5 ? -1 : 1) * (domain.gap + u * domain.spread);
      case 'mask':
        return u < 0.5 ? 0 : 1;
    }
  });
  return core.tensor(values, { shape, dtype: 'float64' });
}

/** Draws inputs for a row and returns them with the call that applies the op. */
export function instance(op: (...args: never[]) => Tensor | Tensor[], row: CheckRow, pick: Pick) {
  const shapes = row.shapes ? row.shapes(pick) : defaultShapes(row.inputs.length, pick);
  const g = new core.Generator(pick.int(0, 2 ** 31 - 1));
  const inputs = row.inputs.map((d, i) => draw(d, shapes[i]!, g));
  const replay = replayable(pick);
  const call = (...xs: Tensor[]) => (row.call ? row.call(xs, replay()) : (op as (...a: Tensor[]) => Tensor)(...xs));
  return { inputs, call };
}

/**
 * gradcheck calls the op many times, and each call must see the same extra arguments (axes, indices): the first
 * call draws them, and every later call replays the same sequence.
 */
function replayable(pick: Pick): () => Pick {
  const draws: number[] = [];
  return () => {
    let i = 0;
    return {
      int: (min, max) => {
        if (i === draws.length) draws.push(pick.int(min, max));
        return draws[i++]!;
      },
    };
  };
}
