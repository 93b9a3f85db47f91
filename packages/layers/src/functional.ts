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
  const originals = slots.map((slot) => slot.get());
  for (const slot of slots) {
    const i = (params as readonly Tensor[]).indexOf(slot.get());
    if (i >= 0) slot.set(values[i]!);
  }
  try {
    return fn();
  } finally {
    // Put back exactly what each slot held: looking values up again would confuse a tensor passed twice.
    slots.forEach((slot, i) => slot.set(originals[i]!));
  }
}

/** One place that holds a Parameter: a field, an array element or a Map entry. */
interface Slot {
  get(): Tensor;
  set(value: Tensor): void;
}

/** Every place that holds a Parameter, shared parameters included, under modules, arrays, objects and Maps. */
function parameterSlots(root: Module): Slot[] {
  const slots: Slot[] = [];
  const seen = new Set<object>();
  const visit = (value: unknown, slot: Slot | null): void => {
    if (value instanceof Parameter) {
      if (slot) slots.push(slot);
      return;
    }
    if (value === null || typeof value !== 'object' || value instanceof Tensor || ArrayBuffer.isView(value) || seen.has(value)) return;
    seen.add(value);
    if (value instanceof Map) {
      for (const key of value.keys()) visit(value.get(key), { get: () => value.get(key), set: (v) => value.set(key, v) });
      return;
    }
    const holder = value as Record<string, unknown>;
    for (const key of Object.keys(holder)) {
      visit(holder[key], { get: () => holder[key] as Tensor, set: (v) => (holder[key] = v) });
    }
  };
  visit(root, null);
  return slots;
}
