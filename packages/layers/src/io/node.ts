/**
 * `@loom/layers/node`: safetensors files and crash-safe training checkpoints on disk. Node only: the browser build
 * of `@loom/layers` never imports this module.
 *
 * @module
 */
export { loadSafetensors, saveSafetensors, FileError } from './files.js';
export { saveCheckpoint, loadCheckpoint, type CheckpointState, type CheckpointTargets, type CheckpointInfo } from './checkpoint.js';
export { SafetensorsError, type SafetensorsLocation, type SafetensorsContents } from './safetensors.js';
export { jsonlLogger, checkpointEvery, type JsonlLoggerOptions, type CheckpointEveryOptions } from '../train/node.js';
