import { LoomError, type Tensor } from '@loom/core';
import { open, readFile, readdir, rename, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { SafetensorsError, encodeSafetensors, readSafetensors, type SafetensorsContents } from './safetensors.js';

/** A file system operation that failed (missing file, no permission, disk full); `path` names the file. */
export class FileError extends LoomError {
  /** Always `'FileError'`, so logs show the class. */
  override name = 'FileError';

  /** An error from `op` about `path`; `cause` is the system error, whose `code` (e.g. `'ENOENT'`) is copied here. */
  constructor(
    /** The function that failed, e.g. `'loadSafetensors'`. */
    readonly op: string,
    /** The file concerned. */
    readonly path: string,
    cause: unknown,
  ) {
    super(`${op}: ${path}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    const code = (cause as { code?: unknown } | null)?.code;
    this.code = code === undefined ? undefined : String(code);
  }

  /** The system error code, e.g. `'ENOENT'`, when there is one. */
  readonly code: string | undefined;
}

/**
 * Reads a safetensors file (see {@link readSafetensors} for the dtypes and checks). A malformed file gives a
 * {@link SafetensorsError} whose message and `where.path` name the file; a file that cannot be read gives a
 * {@link FileError}. Files over 2 GiB, which Node cannot read in one piece, are a SafetensorsError.
 *
 * @example
 * ```ts
 * const { tensors, metadata } = await loadSafetensors('model.safetensors');
 * ```
 */
export async function loadSafetensors(path: string): Promise<SafetensorsContents> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    if ((e as { code?: unknown }).code === 'ERR_FS_FILE_TOO_LARGE') {
      throw new SafetensorsError('loadSafetensors', 'the file is larger than the 2 GiB Node reads into one buffer', { path });
    }
    throw new FileError('loadSafetensors', path, e);
  }
  try {
    return readSafetensors(bytes);
  } catch (e) {
    if (e instanceof SafetensorsError) throw new SafetensorsError('loadSafetensors', e.what, { ...e.where, path });
    throw e;
  }
}

let saveCount = 0;

/**
 * Writes tensors and string metadata to `path` as safetensors (the bytes `writeSafetensors` makes),
 * atomically: the data goes to a temporary file `.<name>.<pid>-<n>.tmp` in the same directory, which is flushed to
 * disk (fsync), renamed over `path`, and the directory is flushed too. At every moment `path` holds either the old
 * file or the complete new one, even if the process is killed or the machine loses power.
 *
 * A process killed during a save leaves its temporary file behind; the next save to the same path removes the
 * temporary files of processes that are no longer running. Bad tensors or metadata throw
 * {@link SafetensorsError} before anything is written; a failed write throws {@link FileError} and removes its
 * temporary file.
 *
 * @example
 * ```ts
 * await saveSafetensors('model.safetensors', { 'encoder.weight': w }, { epoch: '3' });
 * ```
 */
export async function saveSafetensors(path: string, tensors: Record<string, Tensor>, metadata?: Record<string, string>): Promise<void> {
  const { header, chunks } = encodeSafetensors('saveSafetensors', tensors, metadata);
  const dir = dirname(path);
  const name = basename(path);
  const temp = join(dir, `.${name}.${process.pid}-${++saveCount}.tmp`);
  const fail = (e: unknown): never => {
    throw e instanceof LoomError ? e : new FileError('saveSafetensors', path, e);
  };
  await removeStaleTemporaries(dir, name).catch(fail);
  // 'wx' fails if the name exists: never write into a file another save is writing.
  const handle = await open(temp, 'wx').catch(fail);
  try {
    let position = 0;
    for (const chunk of [header, ...chunks]) position += await writeAll(handle, chunk, position);
    await handle.sync();
    await handle.close();
    await rename(temp, path);
  } catch (e) {
    await handle.close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
    fail(e);
  }
  await syncDirectory(dir).catch(fail);
}

async function writeAll(handle: FileHandle, bytes: Uint8Array, position: number): Promise<number> {
  // A write may be partial (signals, quotas); loop until every byte is down.
  for (let done = 0; done < bytes.length;) {
    const { bytesWritten } = await handle.write(bytes, done, bytes.length - done, position + done);
    done += bytesWritten;
  }
  return bytes.length;
}

/** Flushes the directory entry of a rename to disk; Windows cannot open directories and needs no such flush. */
async function syncDirectory(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Deletes `.<name>.<pid>-<n>.tmp` files in `dir` whose process is gone (killed during a save). */
async function removeStaleTemporaries(dir: string, name: string): Promise<void> {
  const prefix = `.${name}.`;
  for (const entry of await readdir(dir)) {
    if (!entry.startsWith(prefix) || !entry.endsWith('.tmp')) continue;
    const match = /^(\d+)-\d+$/.exec(entry.slice(prefix.length, -'.tmp'.length));
    if (match === null || isRunning(Number(match[1]))) continue;
    await unlink(join(dir, entry)).catch((e: { code?: unknown }) => {
      if (e.code !== 'ENOENT') throw e; // another save removed it first
    });
  }
}

function isRunning(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: unknown }).code === 'EPERM'; // alive, but owned by another user
  }
}
