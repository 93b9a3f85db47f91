import { describe, expect, it } from 'vitest';
import { add, currentTimeStep, matmul, mul, recordGraph, sum, tanh, tensor, timeStep, toDot, withStepTap, type Tensor } from '../index.js';
import { inspection } from './hooks.js';

const f64 = { dtype: 'float64' } as const;

/** Three steps of h ← tanh(h·W + x_t), each labelled as a time step of `owner`. */
function loop(owner: object, w: Tensor, h0: Tensor): Tensor {
  let h = h0;
  for (let t = 0; t < 3; t++) h = timeStep(owner, 'Loop', t, () => tanh(add(matmul(h, w), t)));
  return h;
}

describe('recordGraph', () => {
  it('records each op with its name, shape, inputs and time step, leaves named or by kind', () => {
    const w = tensor(
      [
        [0.5, 0],
        [0, 0.5],
      ],
      f64,
    );
    w.requiresGrad = true;
    const h0 = tensor([[1, 2]], f64);
    const owner = {};
    const { value, graph } = recordGraph(() => loop(owner, w, h0), { names: [['W', w]] });
    const ops = graph.nodes.filter((n) => !n.leaf);
    expect(ops.map((n) => n.op)).toEqual(['matmul', 'add', 'tanh', 'matmul', 'add', 'tanh', 'matmul', 'add', 'tanh']);
    expect(ops.map((n) => n.step?.t)).toEqual([0, 0, 0, 1, 1, 1, 2, 2, 2]);
    expect(ops.every((n) => n.step?.layer === 'Loop' && n.onTape && n.shape.join() === '1,2')).toBe(true);
    const leaves = graph.nodes.filter((n) => n.leaf).map((n) => n.op);
    expect(leaves).toEqual(['input', 'W', '0', '1', '2']); // h0, the named weight, and the three scalar constants
    expect(graph.nodes[graph.outputs[0]!]!.op).toBe('tanh');
    expect(graph.outputs[0]).toBe(graph.nodes.length - 1);
    for (const n of graph.nodes) for (const i of n.inputs) expect(i).toBeLessThan(n.id);
    expect(value.shape).toEqual([1, 2]);
    expect(inspection.active).toBe(false);
  });

  it('keeps only what the outputs depend on, unless asked for everything', () => {
    const x = tensor([1, 2]);
    const f = () => {
      mul(x, 3); // dead
      return { y: tanh(x) };
    };
    expect(recordGraph(f).graph.nodes.map((n) => n.op)).toEqual(['input', 'tanh']);
    expect(recordGraph(f, { keepDead: true }).graph.nodes.map((n) => n.op)).toEqual(['input', '3', 'mul', 'tanh']);
    expect(recordGraph(f).graph.nodes[1]!.onTape).toBe(false);
  });
});

describe('toDot', () => {
  it('writes boxes with op and shape, a cluster per step, and escapes quotes in names', () => {
    const w = tensor([
      [1, 0],
      [0, 1],
    ]);
    w.requiresGrad = true;
    const { graph } = recordGraph(() => loop({}, w, tensor([[1, 2]])), { names: [['W "hh"\\', w]] });
    const dot = toDot(graph, { title: 'three "steps"' });
    expect(dot.startsWith('digraph loom {\n  rankdir=LR;')).toBe(true);
    expect(dot).toContain('label="three \\"steps\\""');
    expect(dot.match(/subgraph cluster_\d+ \{/g)).toHaveLength(3);
    expect(dot).toContain('label="Loop t=2"');
    expect(dot).toContain('label="matmul\\n[1,2]", shape=box];');
    expect(dot).toContain('label="W \\"hh\\"\\\\\\n[2,2]", shape=ellipse];');
    expect(dot).toContain('label="input\\n[1,2]", shape=ellipse, style=dashed];');
    expect(dot.match(/ -> /g)).toHaveLength(graph.nodes.reduce((n, node) => n + node.inputs.length, 0));
    expect(dot.trimEnd().endsWith('}')).toBe(true);
  });
});

describe('timeStep and withStepTap', () => {
  it('is a plain call when nothing inspects, and a tap sees and replaces each step result', () => {
    expect(timeStep({}, 'L', 0, () => currentTimeStep())).toBeNull();
    const owner = {};
    const seen: number[] = [];
    const h = withStepTap(
      (scope, r) => {
        expect(currentTimeStep()).toBe(scope);
        seen.push(scope.t);
        return scope.owner === owner ? mul(r as Tensor, 0) : r;
      },
      () =>
        loop(
          owner,
          tensor([
            [1, 0],
            [0, 1],
          ]),
          tensor([[1, 2]]),
        ),
    );
    expect(seen).toEqual([0, 1, 2]);
    expect(sum(h).item()).toBe(0);
    expect(inspection.active).toBe(false);
  });
});
