/**
 * `@loom/layers`: modules, parameters, initializers, recurrent cells and the `Recurrent` unroller, losses and
 * optimizers, all composed from `@loom/core` ops.
 *
 * @module
 */
export { Parameter } from './parameter.js';
export { Module } from './module.js';
export * as init from './init.js';
export type { InitOptions, Fans } from './init.js';
export { Linear } from './linear.js';
export { Embedding, type EmbeddingOptions } from './embedding.js';
export { Dropout, type DropoutOptions } from './dropout.js';
export { Sequential, Activation, type Layer } from './sequential.js';
export { Cell, ProjectedCell, type State } from './cell.js';
export { Recurrent, type RecurrentOptions, type RecurrentOutput, type SequenceMask } from './recurrent.js';
export { LSTMCell, type LSTMCellOptions } from './cells/lstm-cell.js';
export { functionalCall } from './functional.js';
export { RNNCell, type RNNCellOptions } from './cells/rnn-cell.js';
export { GRUCell, type GRUCellOptions } from './cells/gru-cell.js';
export { JordanCell, type JordanCellOptions } from './cells/jordan-cell.js';
export { LeakyCell, type LeakyCellOptions } from './cells/leaky-cell.js';
export type { CellActivation } from './cells/activation.js';
export { mseLoss } from './losses/mse-loss.js';
export { crossEntropy, type CrossEntropyOptions } from './losses/cross-entropy.js';
export { nllLoss } from './losses/nll-loss.js';
export type { ClassTarget, NestedIndices, NllLossOptions } from './losses/_class-loss.js';
export { bceWithLogits, type BceWithLogitsOptions } from './losses/bce-with-logits.js';
export type { Reduction, ReductionOptions } from './losses/_reduction.js';
export { Optimizer, type ParamState, type ParamStateDict, type OptimizerStateDict } from './optim/optimizer.js';
export { SGD, type SGDOptions } from './optim/sgd.js';
export { Adam, AdamW, type AdamOptions } from './optim/adam.js';
export { RMSprop, type RMSpropOptions } from './optim/rmsprop.js';
export { Adagrad, type AdagradOptions } from './optim/adagrad.js';
export { LRScheduler, type LRSchedulerStateDict } from './optim/lr-scheduler.js';
export {
  StepLR,
  ExponentialLR,
  CosineAnnealingLR,
  type StepLROptions,
  type ExponentialLROptions,
  type CosineAnnealingLROptions,
} from './optim/schedules.js';
export { clipGradNorm, clipGradValue, type ClipGradNormOptions } from './clip.js';
export type { SequenceLayer, SequenceOutput, CellOrLayer } from './sequence-layer.js';
export { Bidirectional, type BidirectionalOptions, type BidirectionalMerge } from './bidirectional.js';
export { Stacked, type StackedOptions } from './stacked.js';
export { SkipCell, type SkipCellOptions } from './skip.js';
export { RNNBase, type RNNBaseOptions, type RNNSpec, type TorchLayoutCell } from './rnn-base.js';
export { RNN, LSTM, GRU, type RNNOptions, type LSTMOptions, type GRUOptions, type RNNOutput, type LSTMOutput } from './rnn-modules.js';
export { tbptt, detachState, type TBPTTOptions, type TBPTTChunk } from './tbptt.js';
export { summary } from './summary.js';
export { NTMCell, type NTMCellOptions, type NTMState } from './ntm/ntm-cell.js';
export { scheduleTrees, isLeaf, type Tree, type TreeLeaf, type TreeBranch, type TreeSchedule, type TreeLevel } from './tree/tree.js';
export { BinaryTreeCell } from './tree/tree-cell.js';
export { TreeLSTMCell, type TreeLSTMCellOptions } from './tree/tree-lstm-cell.js';
export { RecursiveCell } from './tree/recursive-cell.js';
export { TreeNetwork, TreeClassifier, type TreeNetworkOutput } from './tree/tree-network.js';
export { GridCell } from './grid/grid-cell.js';
export { GridRNNCell } from './grid/grid-rnn-cell.js';
export { GridLSTMCell, type GridLSTMCellOptions } from './grid/grid-lstm-cell.js';
export { GridRNN, type GridRNNOptions, type GridMerge } from './grid/grid-rnn.js';
export type { GridCorner } from './grid/_wavefront.js';
export {
  StateDictError,
  type StateDict,
  type LoadStateDictOptions,
  type LoadStateDictResult,
  type ShapeMismatch,
} from './interop/state-dict.js';
export {
  readSafetensors,
  writeSafetensors,
  SafetensorsError,
  MAX_HEADER_BYTES,
  type SafetensorsLocation,
  type SafetensorsContents,
} from './io/safetensors.js';
export type { SafetensorsDType } from './io/_dtypes.js';
export {
  Attention,
  type AttentionKind,
  type AttentionOptions,
  type AttentionMemory,
  type AttentionOutput,
  type SourceMask,
} from './seq2seq/attention.js';
export {
  Seq2Seq,
  type Seq2SeqOptions,
  type Seq2SeqForwardOptions,
  type Seq2SeqOutput,
  type Seq2SeqState,
  type EncodedSource,
  type ContextMode,
  type Bridge,
} from './seq2seq/seq2seq.js';
export type { TokenMatrix } from './seq2seq/_tokens.js';
export { greedyDecode, type StepDecoder, type DecoderStep, type DecodeOptions, type GreedyResult } from './seq2seq/decode.js';
export { beamSearch, type BeamSearchOptions, type BeamSearchResult } from './seq2seq/beam-search.js';
export { samplingProbability, type SamplingSchedule } from './seq2seq/schedule.js';
export { SequenceAutoencoder, type SequenceAutoencoderOptions, type ReconstructionOutput } from './seq2seq/autoencoder.js';
export {
  HierarchicalAutoencoder,
  type HierarchicalAutoencoderOptions,
  type HierarchicalCode,
  type HierarchicalReconstruction,
  type Documents,
} from './seq2seq/hierarchical-autoencoder.js';
export { padSequences, type PadSequencesOptions, type PaddedSequences, type SequenceInput } from './data/pad-sequences.js';
export { DataLoader, type Dataset, type Batch, type Collate, type DataLoaderOptions, type BucketOptions } from './data/data-loader.js';
export { padCollate, type PadCollateOptions } from './data/collate.js';
export { fit, type FitModel, type FitOptions } from './train/fit.js';
export { accuracy, type AccuracyOptions } from './train/metrics.js';
export { earlyStopping, lrSchedule, type EarlyStopping, type EarlyStoppingOptions } from './train/callbacks.js';
export { progressBar, type ProgressOptions, type ProgressStream } from './train/progress.js';
export type { Callback, TrainContext, BatchLogs, EpochLogs, History, StopReason, Metric, MetricValue } from './train/types.js';
export { gradNormsOverTime, type GradNormsOptions, type StepGradNorms } from './inspect/grad-norms.js';
export { ReservoirCell, type ReservoirCellOptions } from './esn/reservoir-cell.js';
export { EchoStateNetwork, type EchoStateFit, type EchoStateFitOptions, type EchoStateOutput } from './esn/echo-state-network.js';
export { ridgeRegression } from './esn/ridge.js';
export { spectralRadius, type SpectralRadiusOptions } from './esn/spectral-radius.js';
export { mackeyGlass, type MackeyGlassOptions } from './esn/mackey-glass.js';
export { torchRNN, type TorchRNNConfig } from './interop/torch.js';
export { fromKeras, toKeras, type KerasRecurrentWeights, type KerasOptions } from './interop/keras.js';
export { ctcLoss, type CtcLossOptions } from './ctc/ctc-loss.js';
export type { CtcTargets, CtcLengths } from './ctc/_args.js';
export { ctcGreedyDecode, type CtcDecodeOptions } from './ctc/greedy.js';
export { ctcBeamDecode, type CtcBeamOptions, type CtcHypothesis } from './ctc/beam.js';
export { parseMetrics, curvesSvg, type MetricsRow, type MetricsRun, type ParseMetricsOptions, type CurvesOptions } from './plot/curves.js';
export { heatmapSvg, type HeatmapOptions } from './plot/heatmap.js';
export { graphSvg, type GraphSvgOptions } from './plot/graph-svg.js';
