import { Tensor, noGrad } from '@loom/core';
import type { Module } from './module.js';

interface Row {
  readonly path: string;
  readonly module: Module;
  shapes: string[];
}

/**
 * A table of `model` and every module below it: the dotted path and class, the output shape, and the parameter
 * count, with totals. The implementation behind {@link Module.summary}.
 *
 * Output shapes come from running `run` once (under `noGrad`) while each module's `forward` (or, for a cell,
 * `step`) is wrapped to record what it returns: a tensor's shape, or the `outputs`/`output` of a result object, or
 * the first element of a tuple (a cell's output). The wrappers are removed afterwards, even if `run` throws. A module
 * called n > 1 times with one shape shows `×n` (a cell runs once per step); with varying shapes, `multiple`; never
 * called, `-`.
 *
 * Params counts a module's parameters with its descendants', each once, so nested rows overlap; the totals count
 * every parameter of `model` once, and trainable ones are those that require gradients.
 *
 * @example
 * ```ts
 * console.log(summary(model, () => model.forward(x)));
 * ```
 */
export function summary(model: Module, run?: () => unknown): string {
  const rows: Row[] = [];
  const seen = new Set<Module>();
  const walk = (module: Module, path: string): void => {
    if (seen.has(module)) return;
    seen.add(module);
    rows.push({ path, module, shapes: [] });
    for (const [key, child] of module.children()) walk(child, path === '' ? key : `${path}.${key}`);
  };
  walk(model, '');
  if (run) record(rows, run);

  const table = rows.map(({ path, module, shapes }) => {
    const name = module.constructor.name;
    return [path === '' ? name : `${path} (${name})`, shapeColumn(shapes), module.parameterCount().toLocaleString('en-US')] as const;
  });
  const header = ['Layer (type)', 'Output shape', 'Params'] as const;
  const widths = [0, 1, 2].map((c) => Math.max(...[header, ...table].map((r) => r[c]!.length)));
  const line = (r: readonly [string, string, string]) =>
    `${r[0].padEnd(widths[0]!)}  ${r[1].padEnd(widths[1]!)}  ${r[2].padStart(widths[2]!)}`.trimEnd();
  const rule = (c: string) => c.repeat(widths[0]! + widths[1]! + widths[2]! + 4);
  const params = model.parameters();
  const total = params.reduce((n, p) => n + p.size, 0);
  const trainable = params.reduce((n, p) => n + (p.requiresGrad ? p.size : 0), 0);
  const count = (n: number) => n.toLocaleString('en-US');
  return [
    line(header),
    rule('='),
    ...table.map(line),
    rule('='),
    `Total params: ${count(total)}`,
    `Trainable params: ${count(trainable)}`,
    `Non-trainable params: ${count(total - trainable)}`,
  ].join('\n');
}

/** Runs `run` with every row's `forward` (or `step`) wrapped to record output shapes, and unwraps them after. */
function record(rows: readonly Row[], run: () => unknown): void {
  const restores: (() => void)[] = [];
  try {
    for (const row of rows) {
      const holder = row.module as unknown as Record<string, unknown>;
      const key = ['forward', 'stepProjected', 'step'].find((k) => typeof holder[k] === 'function');
      if (key === undefined) continue;
      const own = Object.getOwnPropertyDescriptor(holder, key);
      const original = holder[key] as (...args: unknown[]) => unknown;
      // Non-enumerable, so the field walks of Module (parameters, children) never see the wrapper.
      Object.defineProperty(holder, key, {
        configurable: true,
        enumerable: false,
        writable: true,
        value: function (this: unknown, ...args: unknown[]) {
          const out = original.apply(this, args);
          row.shapes.push(shapeOf(out));
          return out;
        },
      });
      restores.push(() => (own ? Object.defineProperty(holder, key, own) : delete holder[key]));
    }
    noGrad(run);
  } finally {
    for (const restore of restores.reverse()) restore();
  }
}

/** The shape of what a forward or step returned: a tensor, a result's outputs, or a tuple's first element. */
function shapeOf(value: unknown): string {
  if (value instanceof Tensor) return `[${value.shape.join(', ')}]`;
  if (Array.isArray(value)) return value.length > 0 ? shapeOf(value[0]) : '?';
  if (value !== null && typeof value === 'object') {
    const fields = value as Record<string, unknown>;
    const main = fields['outputs'] ?? fields['output'] ?? Object.values(fields).find((v) => v instanceof Tensor);
    if (main !== undefined) return shapeOf(main);
  }
  return '?';
}

function shapeColumn(shapes: readonly string[]): string {
  const [first] = shapes;
  if (first === undefined) return '-';
  if (shapes.some((s) => s !== first)) return 'multiple';
  return shapes.length > 1 ? `${first} ×${shapes.length}` : first;
}
