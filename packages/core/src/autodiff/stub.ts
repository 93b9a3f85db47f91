import { sizeOf } from '@loom/ops';
import type { Saves } from '../define.js';
import { GradError } from '../errors.js';
import { Tensor } from '../tensor.js';

const EMPTY_F32 = new Float32Array(0);
const EMPTY_F64 = new Float64Array(0);

// The class is made on first use: this module and tensor.ts import each other, so Tensor is not ready when this one
// loads. (Extending a local copy of the binding, not the import itself, is what vitest's module transform accepts.)
let Stub: (new (of: Tensor) => Tensor) | undefined;

/**
 * What a tape record holds in place of an input its backward rule does not read: a tensor with the input's shape,
 * dtype, node and `requiresGrad`, which is all the tape and the rule need, but not its elements, so they can be
 * freed. Reading the elements is a bug in the primitive's `saves`, and throws rather than computing with nothing.
 */
function makeStub(of: Tensor): Tensor {
  if (Stub === undefined) {
    const Base = Tensor;
    Stub = class TensorStub extends Base {
      constructor(t: Tensor) {
        super(t.dtype === 'float32' ? EMPTY_F32 : EMPTY_F64, t.shape, t.node, t.requiresGrad);
      }
      override get size(): number {
        return sizeOf(this.shape);
      }
    };
    // Tensor's constructor assigns `data`; on a stub that lands on this setter, and reading it throws.
    Object.defineProperty(Stub.prototype, 'data', { get: readStub, set: () => {} });
  }
  return new Stub(of);
}

function readStub(this: Tensor): never {
  const made = this.node === null ? 'a leaf' : `the output of '${this.node.prim.name}'`;
  throw new GradError(
    `a backward rule read the elements of ${made} (shape [${this.shape.join(', ')}]), which its primitive's \`saves\` does not keep; add the input's position (or \`output: true\`) to \`saves\``,
  );
}

/**
 * The inputs a record keeps: each one the rule reads, and each leaf that gets a gradient (a leaf is its own tape
 * identity, so it cannot be replaced); a stub for the rest.
 */
export function savedInputs(inputs: readonly Tensor[], saves: Saves): Tensor[] {
  const read = saves.inputs;
  const kept = new Array<Tensor>(inputs.length);
  for (let j = 0; j < inputs.length; j++) {
    const t = inputs[j]!;
    const keep = (t.node === null && t.requiresGrad) || (read !== undefined && read.includes(j));
    kept[j] = keep ? t : makeStub(t);
  }
  return kept;
}
