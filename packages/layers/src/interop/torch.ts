import { ValueError } from '@loom/core';
import type { InitOptions } from '../init.js';
import { GRU, LSTM, RNN } from '../rnn-modules.js';

/**
 * The constructor arguments of a PyTorch `nn.RNN`, `nn.LSTM` or `nn.GRU`, with PyTorch's (snake_case) names and
 * defaults, plus `module` naming the class: what `json.dumps(dict(module='LSTM', input_size=8, …))` gives.
 */
export interface TorchRNNConfig {
  /** The PyTorch class. */
  readonly module: 'RNN' | 'LSTM' | 'GRU';
  /** Features of each input step. */
  readonly input_size: number;
  /** Units of each layer and direction. */
  readonly hidden_size: number;
  /** Default 1. */
  readonly num_layers?: number;
  /** Default false. */
  readonly bidirectional?: boolean;
  /** Default false. */
  readonly batch_first?: boolean;
  /** Default true. */
  readonly bias?: boolean;
  /** Default 0. */
  readonly dropout?: number;
  /** `nn.RNN` only: `'tanh'` (default) or `'relu'`. */
  readonly nonlinearity?: 'tanh' | 'relu';
  /** `nn.LSTM` only: default 0 (no projection). */
  readonly proj_size?: number;
}

/**
 * The loom module with the same architecture as the PyTorch module `config` describes, freshly initialised: its
 * {@link Module.stateDict} has the same names, order and shapes as PyTorch's `state_dict()`, so weights move
 * between the two with {@link Module.loadStateDict} and a safetensors file. `options` sets loom's dtype and
 * generator.
 *
 * @example
 * ```ts
 * const lstm = torchRNN({ module: 'LSTM', input_size: 8, hidden_size: 16, num_layers: 2, proj_size: 4 });
 * lstm.loadStateDict(readSafetensors(bytes).tensors); // a PyTorch state_dict saved as safetensors
 * ```
 */
export function torchRNN(config: TorchRNNConfig, options: InitOptions = {}): RNN | LSTM | GRU {
  const { module, input_size: inputSize, hidden_size: hiddenSize } = config;
  if (config.nonlinearity !== undefined && module !== 'RNN') {
    throw new ValueError(`torchRNN: nonlinearity is an option of RNN only, not of ${module}`);
  }
  if (config.proj_size !== undefined && module !== 'LSTM') {
    throw new ValueError(`torchRNN: proj_size is an option of LSTM only, not of ${module}`);
  }
  const common = {
    ...options,
    numLayers: config.num_layers,
    bidirectional: config.bidirectional,
    batchFirst: config.batch_first,
    bias: config.bias,
    dropout: config.dropout,
  };
  switch (module) {
    case 'LSTM':
      return new LSTM(inputSize, hiddenSize, { ...common, projSize: config.proj_size });
    case 'GRU':
      return new GRU(inputSize, hiddenSize, common);
    case 'RNN':
      return new RNN(inputSize, hiddenSize, { ...common, nonlinearity: config.nonlinearity });
    default:
      throw new ValueError(`torchRNN: module must be 'RNN', 'LSTM' or 'GRU', got ${JSON.stringify(module)}`);
  }
}
