/**
 * `@loom/layers`: modules, parameters, initializers, recurrent cells and the `Recurrent` unroller, losses and
 * optimizers, all composed from `@loom/core` ops.
 *
 * @module
 */
export { Parameter } from './parameter.js';
export { Module } from './module.js';
export * as init from './init.js';
export type { InitOptions } from './init.js';
export { Linear } from './linear.js';
export { Embedding } from './embedding.js';
export { Dropout } from './dropout.js';
export { Sequential, Activation, type Layer } from './sequential.js';
export { Cell, type State } from './cell.js';
export { Recurrent, type RecurrentOptions, type RecurrentOutput, type SequenceMask } from './recurrent.js';
export { LSTMCell, type LSTMCellOptions } from './cells/lstm-cell.js';
export { functionalCall } from './functional.js';
export { RNNCell, type RNNCellOptions } from './cells/rnn-cell.js';
export { GRUCell, type GRUCellOptions } from './cells/gru-cell.js';
