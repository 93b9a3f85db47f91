import { ValueError, Tensor } from '@loom/core';
import type { Module } from './module.js';
import { Parameter } from './parameter.js';

/**
 * Runs `fn` with `module`'s parameters replaced by `values` (in `parameters()` order), then puts them back, as
 * PyTorch's `functional_call`. Gradients then flow to `values` instead of the parameters, which is what
 * `gradcheck`, meta-learning and per-example gradients need.
 *
 * @example
 * ```ts
 * const params = model.parameters().map(stopGradient);
 * gradcheck((...ps) => functionalCall(model, ps, () => loss(model.forward(x))), params);
 * ```
 */
export function functionalCall<T>(module: Module, values: readonly Tensor[], fn: () => T): T {
  const params = module.parameters();
  if (values.length !== params.length) {
    throw new ValueError(`functionalCall: got ${values.length} values for ${params.length} parameters`);
  }
  const slots = parameterSlots(module);
  const swap = (from: readonly Tensor[], to: readonly Tensor[]) => {
    for (const slot of slots) {
      const i = from.indexOf(slot.holder[slot.key] as Tensor);
      if (i >= 0) slot.holder[slot.key] = to[i];
    }
  };
  swap(params, values);
  try {
    return fn();
  } finally {
    swap(values, params);
  }
}

interface Slot {
  readonly holder: Record<string | number, unknown>;
  readonly key: string | number;
}

/** Every (object, key) that holds a Parameter, shared parameters included, under modules, arrays and plain maps. */
function parameterSlots(root: Module): Slot[] {
  const slots: Slot[] = [];
  const seen = new Set<object>();
  const visit = (holder: Record<string | number, unknown>) => {
    if (seen.has(holder)) return;
    seen.add(holder);
    for (const key of Object.keys(holder)) {
      const value = holder[key];
      if (value instanceof Parameter) slots.push({ holder, key });
      else if (value !== null && typeof value === 'object' && !(value instanceof Tensor) && !ArrayBuffer.isView(value)) {
        visit(value as Record<string, unknown>);
      }
    }
  };
  visit(root as unknown as Record<string, unknown>);
  return slots;
}
