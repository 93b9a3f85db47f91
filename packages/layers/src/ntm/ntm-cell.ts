import {
  ShapeError,
  ValueError,
  add,
  concat,
  expand,
  full,
  matmul,
  mul,
  reshape,
  sigmoid,
  softmax,
  softplus,
  split,
  sub,
  tanh,
  zeros,
} from '@loom/core';
import type { DType, Tensor } from '@loom/core';
import { Cell } from '../cell.js';
import { LSTMCell } from '../cells/lstm-cell.js';
import { uniform, type InitOptions } from '../init.js';
import { Linear } from '../linear.js';
import { Parameter } from '../parameter.js';
import { address, type HeadParams } from './addressing.js';

/** Options of {@link NTMCell}. */
export interface NTMCellOptions extends InitOptions {
  /** Memory slots N (default 16). */
  readonly memorySlots?: number;
  /** Width M of each memory slot (default 8). */
  readonly memoryWidth?: number;
  /** Units of the controller, H (default 32). */
  readonly controllerSize?: number;
  /** `'lstm'` (default): an LSTM controller; `'feedforward'`: one tanh layer, so all memory lives in M. */
  readonly controller?: 'lstm' | 'feedforward';
  /** Number of read heads R (default 1). There is one write head. */
  readonly readHeads?: number;
  /** Number S of allowed shifts, odd: S = 3 allows −1, 0, +1 (default 3). */
  readonly shifts?: number;
  /**
   * The memory before the first step, M₀. `'constant'` (default): every element 1e-6, not trained, which Collier &
   * Beel (2018) found to train fastest and most reliably; `'learned'`: a Parameter [N, M], U(±1/√(N+M)) at start,
   * shared by every sequence of the batch.
   */
  readonly memoryInit?: 'constant' | 'learned';
}

/**
 * The state of an {@link NTMCell}, in this order: memory [B, N, M], read weights [B, R, N], write weights
 * [B, 1, N], the reads of the step [B, R·M], then the LSTM controller's state h, c [B, H] (nothing more for a
 * feed-forward controller, which has no state).
 */
export type NTMState = readonly [Tensor, Tensor, Tensor, Tensor, ...Tensor[]];

/**
 * Neural Turing Machine (Graves, Wayne & Danihelka 2014) as a {@link Cell}: a controller reads the input and the
 * previous reads, emits the parameters of R read heads and one write head, and the heads address a memory M [N, M]:
 *
 * ```text
 * h_t = controller([x_t, r_{t−1}], h_{t−1})                       LSTM, or tanh(W [x_t, r_{t−1}] + b)
 * per head: k, β̂, ĝ, ŝ, γ̂ (and ê, â for the write head) = W_head h_t + b_head
 * β = softplus(β̂), g = σ(ĝ), s = softmax(ŝ), γ = 1 + softplus(γ̂), e = σ(ê), a = tanh(â)
 * w_t = address(M_{t−1}, w_{t−1}; k, β, g, s, γ)                  the write head, addressing as below
 * M_t = M_{t−1} ⊙ (1 − w_t eᵀ) + w_t aᵀ                           erase, then add
 * w_t^r = address(M_t, w_{t−1}^r; …), r_t = (w_t^r)ᵀ M_t          read heads see this step's write
 * y_t = W_out [h_t, r_t] + b_out                                  logits: apply σ or a loss with logits
 * ```
 *
 * Addressing (§3.3), per head, with memory rows Mᵢ and shifts d = −(S−1)/2 … (S−1)/2:
 *
 * ```text
 * K(k, Mᵢ) = k·Mᵢ / (√(‖k‖² + ε) · √(‖Mᵢ‖² + ε)),  ε = 1e-8     cosine similarity (ε: finite at zero rows)
 * w_c(i) = softmax_i(β K(k, Mᵢ))                                 content
 * w_g = g w_c + (1 − g) w_{t−1}                                  interpolation
 * w̃(i) = Σ_d s(d) w_g((i − d) mod N)                             circular shift
 * w(i) = w̃(i)^γ / Σ_j w̃(j)^γ                                    sharpening, as softmax(γ log(w̃ + 1e-12))
 * ```
 *
 * The log form of sharpening has the same value without the underflow of w̃^γ for large γ. At the start the read
 * and write weights put all their mass on slot 0 (so shifts have a place to start from), the reads are zero, and
 * M₀ is `memoryInit`.
 *
 * Shapes: x [B, I]; state {@link NTMState}; output y [B, O]. Submodules: `controller` (LSTMCell or Linear),
 * `heads` (Linear H → R·(M+S+3) + 3M+S+3), `output` (Linear H+R·M → O); `memoryBias` [N, M] when learned.
 *
 * @example
 * ```ts
 * const ntm = new Recurrent(new NTMCell(9, 8, { memorySlots: 16, memoryWidth: 8 }));
 * const logits = ntm.forward(x).outputs; // x [T, B, 9] → [T, B, 8]
 * ```
 */
export class NTMCell extends Cell<NTMState> {
  /** The controller: an LSTM cell, or the Linear layer of the feed-forward controller. */
  readonly controller: LSTMCell | Linear;
  /** Maps the controller's output to the raw parameters of every head. */
  readonly heads: Linear;
  /** Maps [h_t, r_t] to the output. */
  readonly output: Linear;
  /** The learned initial memory [N, M], or null for the constant one. */
  readonly memoryBias: Parameter | null;
  /** Memory slots N. */
  readonly memorySlots: number;
  /** Slot width M. */
  readonly memoryWidth: number;
  /** Controller units H. */
  readonly controllerSize: number;
  /** Read heads R. */
  readonly readHeads: number;
  /** Allowed shifts S. */
  readonly shifts: number;
  private readonly dtype: DType;

  /** An NTM from `inputSize` features to `outputSize` outputs per step; see {@link NTMCellOptions}. */
  constructor(
    override readonly inputSize: number,
    /** Outputs per step, O. */
    readonly outputSize: number,
    options: NTMCellOptions = {},
  ) {
    super();
    const N = (this.memorySlots = options.memorySlots ?? 16);
    const M = (this.memoryWidth = options.memoryWidth ?? 8);
    const H = (this.controllerSize = options.controllerSize ?? 32);
    const R = (this.readHeads = options.readHeads ?? 1);
    const S = (this.shifts = options.shifts ?? 3);
    for (const [name, value] of Object.entries({
      inputSize,
      outputSize,
      memorySlots: N,
      memoryWidth: M,
      controllerSize: H,
      readHeads: R,
    })) {
      if (!Number.isInteger(value) || value < 1) throw new ValueError(`NTMCell: ${name} must be a whole number ≥ 1, got ${value}`);
    }
    if (!Number.isInteger(S) || S < 1 || S % 2 === 0) {
      throw new ValueError(`NTMCell: shifts must be an odd whole number ≥ 1 (S = 3 allows −1, 0, +1), got ${S}`);
    }
    this.dtype = options.dtype ?? 'float32';
    const init = { dtype: options.dtype, generator: options.generator };
    const controllerIn = inputSize + R * M;
    this.controller = options.controller === 'feedforward' ? new Linear(controllerIn, H, init) : new LSTMCell(controllerIn, H, init);
    this.heads = new Linear(H, R * (M + S + 3) + 3 * M + S + 3, init);
    this.output = new Linear(H + R * M, outputSize, init);
    const memoryInit = options.memoryInit ?? 'constant';
    if (memoryInit !== 'constant' && memoryInit !== 'learned') {
      throw new ValueError(`NTMCell: memoryInit must be 'constant' or 'learned', got '${String(memoryInit)}'`);
    }
    const a = 1 / Math.sqrt(N + M);
    this.memoryBias = memoryInit === 'learned' ? uniform([N, M], -a, a, init) : null;
  }

  /** M₀ (constant 1e-6 or the learned bias), weights on slot 0, zero reads, zero LSTM state. */
  initialState(batch: number): NTMState {
    const [N, M, R] = [this.memorySlots, this.memoryWidth, this.readHeads];
    const dtype = this.dtype;
    const memory = this.memoryBias ? expand(this.memoryBias, [batch, N, M]) : full([batch, N, M], 1e-6, { dtype });
    const slot0 = (heads: number) => {
      const w = zeros([batch, heads, N], { dtype });
      for (let i = 0; i < batch * heads; i++) w.data[i * N] = 1;
      return w;
    };
    const controller = this.controller instanceof LSTMCell ? this.controller.initialState(batch) : [];
    return [memory, slot0(R), slot0(1), zeros([batch, R * M], { dtype }), ...controller];
  }

  /** One step; see the class equations. */
  step(x: Tensor, state: NTMState): [Tensor, NTMState] {
    const [memory, readWeights, writeWeights, reads, ...controllerState] = state;
    const [B, N, M, R, S] = [x.shape[0]!, this.memorySlots, this.memoryWidth, this.readHeads, this.shifts];
    if (memory.rank !== 3 || memory.shape[0] !== B || memory.shape[1] !== N || memory.shape[2] !== M) {
      throw new ShapeError(
        `NTMCell.step: state memory has shape [${memory.shape.join(',')}] but needs [B, N, M] = [${[B, N, M].join(',')}]`,
      );
    }
    const input = concat([x, reads], -1);
    let h: Tensor;
    let nextController: Tensor[];
    if (this.controller instanceof LSTMCell) {
      const [out, [h1, c1]] = this.controller.step(input, controllerState as [Tensor, Tensor]);
      [h, nextController] = [out, [h1, c1]];
    } else {
      h = tanh(this.controller.forward(input));
      nextController = [];
    }
    const [readRaw, writeRaw] = split(this.heads.forward(h), [R * (M + S + 3), 3 * M + S + 3], -1) as [Tensor, Tensor];
    const [writeHead, erase, addition] = headParams(reshape(writeRaw, [B, 1, 3 * M + S + 3]), M, S, 2);
    const w = address(memory, writeWeights, writeHead);
    const wColumn = reshape(w, [B, N, 1]);
    const written = add(mul(memory, sub(1, mul(wColumn, sigmoid(erase!)))), mul(wColumn, tanh(addition!)));
    const [readHead] = headParams(reshape(readRaw, [B, R, M + S + 3]), M, S, 0);
    const wr = address(written, readWeights, readHead);
    const r = reshape(matmul(wr, written), [B, R * M]);
    const y = this.output.forward(concat([h, r], -1));
    return [y, [written, wr, w, r, ...nextController]];
  }
}

/** Splits raw head outputs [B, heads, M+S+3 (+ extra·M)] into activated parameters and `extra` raw M-vectors. */
function headParams(raw: Tensor, M: number, S: number, extra: number): [HeadParams, ...Tensor[]] {
  const [key, beta, gate, shift, gamma, ...rest] = split(raw, [M, 1, 1, S, 1, ...Array<number>(extra).fill(M)], -1) as Tensor[];
  const head: HeadParams = {
    key: key!,
    beta: softplus(beta!),
    gate: sigmoid(gate!),
    shift: softmax(shift!, -1),
    gamma: add(softplus(gamma!), 1),
  };
  return [head, ...rest];
}
