/**
 * The Node-only training callbacks (they write files), re-exported by `@loom/layers/node`.
 *
 * @module
 */
export { jsonlLogger, type JsonlLoggerOptions } from './jsonl-logger.js';
export { checkpointEvery, type CheckpointEveryOptions } from './checkpoint-every.js';
