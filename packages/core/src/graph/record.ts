import type { DType } from '@loom/ops';
import { Tensor } from '../tensor.js';
import { withInspector, type Inspector, type StepScope } from './hooks.js';

/** One box of a {@link TapeGraph}: an op's output, or a leaf the ops read (a parameter, an input, a constant). */
export interface GraphNode {
  /** Index in {@link TapeGraph.nodes}; inputs always come before the nodes that read them. */
  readonly id: number;
  /** The op's name (`matmul`, `tanh`, …); for a leaf, its given name, or `param`, `input` or the scalar's value. */
  readonly op: string;
  /** True for a leaf: a tensor made outside the recorded function or by a creation function, not by an op. */
  readonly leaf: boolean;
  /** The output's shape. */
  readonly shape: readonly number[];
  /** The output's dtype. */
  readonly dtype: DType;
  /** Ids of the tensors the op read, in argument order (empty for a leaf). */
  readonly inputs: readonly number[];
  /** Whether the tensor is on the tape (requires gradients); constants and masks are not. */
  readonly onTape: boolean;
  /** The time step the op ran in (`Recurrent` labels its steps), or null. */
  readonly step: StepLabel | null;
}

/** The time step a {@link GraphNode} ran in. */
export interface StepLabel {
  /** The layer's name, e.g. `Recurrent(LSTMCell)`. */
  readonly layer: string;
  /** The time step, in input order. */
  readonly t: number;
}

/** What {@link recordGraph} returns. */
export interface Recording<T> {
  /** What the recorded function returned. */
  readonly value: T;
  /** The ops it ran. */
  readonly graph: TapeGraph;
}

/** The ops of a computation, in the order they ran, with the leaves they read. */
export interface TapeGraph {
  /** Every node, inputs before the ops that read them. */
  readonly nodes: readonly GraphNode[];
  /** Ids of the tensors the recorded function returned. */
  readonly outputs: readonly number[];
}

/** Options of {@link recordGraph}. */
export interface RecordGraphOptions {
  /** Names for leaves, e.g. `model.namedParameters()`; unnamed leaves show as `param`, `input` or their value. */
  readonly names?: Iterable<readonly [string, Tensor]>;
  /** Keep ops whose results the returned tensors do not depend on (default false: only their ancestors). */
  readonly keepDead?: boolean;
}

interface Recorded {
  readonly out: Tensor;
  readonly op: string;
  readonly inputs: readonly Tensor[];
  readonly step: StepScope | null;
}

/**
 * Runs `fn` and records every primitive op it runs, with shapes and time steps, as a {@link TapeGraph} to export
 * with {@link toDot} (or `graphSvg` from `@loom/layers`). Composite ops show as the primitives they are made of.
 * The returned tensors (found in `fn`'s result: a tensor, or arrays and plain objects of them) are the outputs,
 * and by default only the ops they depend on are kept. Ops of backward rules are not recorded.
 *
 * @example
 * ```ts
 * const { graph } = recordGraph(() => lstm.forward(x).outputs, { names: lstm.namedParameters() });
 * writeFileSync('lstm.dot', toDot(graph));
 * ```
 */
export function recordGraph<T>(fn: () => T, options: RecordGraphOptions = {}): Recording<T> {
  const ops: Recorded[] = [];
  const recorder: Inspector = {
    forward(out, inputs, origin) {
      ops.push({ out, op: origin.op, inputs, step: origin.step });
    },
  };
  const value = withInspector(recorder, fn);
  const outputs = tensorsIn(value);
  const live = options.keepDead === true || outputs.length === 0 ? null : ancestors(ops, outputs);
  const names = new Map<Tensor, string>();
  for (const [name, t] of options.names ?? []) names.set(t, name);

  const nodes: GraphNode[] = [];
  const ids = new Map<Tensor, number>();
  const node = (t: Tensor, op: string, leaf: boolean, inputs: number[], step: GraphNode['step']): number => {
    const id = nodes.length;
    nodes.push({ id, op, leaf, shape: t.shape, dtype: t.dtype, inputs, onTape: t.requiresGrad, step });
    ids.set(t, id);
    return id;
  };
  const leaf = (t: Tensor): number => ids.get(t) ?? node(t, names.get(t) ?? leafName(t), true, [], null);
  for (const r of ops) {
    if (live !== null && !live.has(r.out)) continue;
    const inputs = r.inputs.map(leaf);
    node(r.out, r.op, false, inputs, r.step === null ? null : { layer: r.step.layer, t: r.step.t });
  }
  return { value, graph: { nodes, outputs: outputs.map(leaf) } };
}

function leafName(t: Tensor): string {
  if (t.size === 1 && !t.requiresGrad) return String(t.data[0]);
  return t.requiresGrad ? 'param' : 'input';
}

/** The recorded outputs that `outputs` depend on, walking the recording backwards. */
function ancestors(ops: readonly Recorded[], outputs: readonly Tensor[]): Set<Tensor> {
  const live = new Set<Tensor>(outputs);
  for (let i = ops.length - 1; i >= 0; i--) {
    const r = ops[i]!;
    if (live.has(r.out)) for (const x of r.inputs) live.add(x);
  }
  return live;
}

/** Tensors in a function's result: a tensor, or arrays and plain objects of them, a few levels deep. */
function tensorsIn(value: unknown, depth = 0): Tensor[] {
  if (value instanceof Tensor) return [value];
  if (depth > 3 || value === null || typeof value !== 'object') return [];
  const items = Array.isArray(value) ? value : Object.values(value);
  return items.flatMap((v) => tensorsIn(v, depth + 1));
}
