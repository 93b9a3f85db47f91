import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { DType, Tensor } from '@loom/core';
import { LSTM, readSafetensors, type GRU, type Module, type RNN, type TorchRNNConfig } from '@loom/layers';

/** The committed fixtures of scripts/fixtures/torch_rnn.py. */
export const FIXTURES = fileURLToPath(new URL('./fixtures/torch/', import.meta.url));

/** PyTorch constructor arguments as the script stores them (`config` metadata), with the lengths it packs by. */
export interface TorchConfig extends TorchRNNConfig {
  /** Sequence lengths: the script runs PyTorch on a packed sequence (pack_padded_sequence). */
  readonly lengths?: readonly number[];
}

/** One generated case: PyTorch's state dict and the data computed with it. */
export interface TorchCase {
  /** `<case>.<dtype>`, e.g. `lstm.float64`. */
  readonly name: string;
  readonly dtype: DType;
  readonly config: TorchConfig;
  /** Exactly what `module.state_dict()` held. */
  readonly params: Record<string, Tensor>;
  /** `input`, `h0`, `c0`, outputs, loss weights `w_*`, `loss` and `grad.*`. */
  readonly data: Record<string, Tensor>;
  /** PyTorch's state_dict key order. */
  readonly order: readonly string[];
}

/** Every case in the fixture directory, sorted by name. */
export function torchCases(): TorchCase[] {
  const names = readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.params.safetensors'))
    .map((f) => f.slice(0, -'.params.safetensors'.length))
    .sort();
  return names.map((name) => {
    const params = readSafetensors(readFileSync(`${FIXTURES}${name}.params.safetensors`));
    const data = readSafetensors(readFileSync(`${FIXTURES}${name}.data.safetensors`));
    return {
      name,
      dtype: data.metadata.dtype as DType,
      config: JSON.parse(data.metadata.config!) as TorchConfig,
      params: params.tensors,
      data: data.tensors,
      order: JSON.parse(params.metadata.order!) as string[],
    };
  });
}

/** Runs `module` as the script ran PyTorch's: from h0 (and c0), with the case's lengths. */
export function runLike(module: Module, config: TorchConfig, x: Tensor, h0: Tensor, c0?: Tensor): Record<string, Tensor> {
  const sequence = config.lengths ? { lengths: [...config.lengths] } : {};
  if (module instanceof LSTM) {
    const { output, h_n, c_n } = module.forward(x, [h0, c0!], sequence);
    return { output, h_n, c_n };
  }
  const { output, h_n } = (module as RNN | GRU).forward(x, h0, sequence);
  return { output, h_n };
}

/** The largest |a − b| over all elements, after checking the shapes agree. */
export function maxAbsDiff(a: Tensor, b: Tensor): number {
  if (a.shape.join() !== b.shape.join()) throw new Error(`shapes differ: [${a.shape.join(',')}] vs [${b.shape.join(',')}]`);
  let worst = 0;
  a.data.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - b.data[i]!))));
  return worst;
}
