import { tensor } from '@loom/core';
import { FileError, SafetensorsError, loadSafetensors, saveSafetensors } from '@loom/layers/node';
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeSafetensors } from '../src/io/safetensors.js';

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loom-io-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const tensors = () => ({ w: tensor([1, 2, 3, 4], { shape: [2, 2] }), b: tensor([0.5], { dtype: 'float64' }) });

/** The pid of a process that has exited, so no process has it (barring reuse in the instant since). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

describe('saveSafetensors and loadSafetensors', () => {
  it('write exactly the bytes writeSafetensors makes, leave no temporary file, and read them back', async () => {
    const path = join(dir, 'model.safetensors');
    await saveSafetensors(path, tensors(), { epoch: '2' });
    expect(new Uint8Array(await readFile(path))).toEqual(writeSafetensors(tensors(), { epoch: '2' }));
    expect(await readdir(dir)).toEqual(['model.safetensors']);
    const { tensors: back, metadata } = await loadSafetensors(path);
    expect([back.w!.toArray(), back.b!.toArray(), back.b!.dtype, metadata]).toEqual([
      [
        [1, 2],
        [3, 4],
      ],
      [0.5],
      'float64',
      { epoch: '2' },
    ]);
  });

  it('replaces an existing file', async () => {
    const path = join(dir, 'model.safetensors');
    await saveSafetensors(path, tensors());
    await saveSafetensors(path, { only: tensor([9]) });
    expect(Object.keys((await loadSafetensors(path)).tensors)).toEqual(['only']);
    expect(await readdir(dir)).toEqual(['model.safetensors']);
  });

  it('names the file in a SafetensorsError for a malformed file', async () => {
    const path = join(dir, 'bad.safetensors');
    const bytes = writeSafetensors(tensors());
    await writeFile(path, bytes.subarray(0, bytes.length - 1));
    const error = await loadSafetensors(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SafetensorsError);
    expect((error as SafetensorsError).where.path).toBe(path);
    expect((error as SafetensorsError).message).toBe(
      `loadSafetensors: data_offsets [8,24] run past the end of the 23-byte data (tensor "w", byte 62, file ${path})`,
    );
  });

  it('gives a FileError with the path and code for a file that cannot be read', async () => {
    const path = join(dir, 'missing.safetensors');
    const error = await loadSafetensors(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FileError);
    expect((error as FileError).code).toBe('ENOENT');
    expect((error as FileError).message).toMatch(new RegExp(`^loadSafetensors: ${path}: ENOENT`));
    await expect(loadSafetensors(dir)).rejects.toThrow(/loadSafetensors: .*EISDIR/);
  });

  it('checks the tensors before touching the disk', async () => {
    const path = join(dir, 'model.safetensors');
    await expect(saveSafetensors(path, { __metadata__: tensor([1]) })).rejects.toThrow(/saveSafetensors: "__metadata__" is reserved/);
    expect(await readdir(dir)).toEqual([]);
  });

  it('gives a FileError and removes its temporary file when the write fails', async () => {
    await expect(saveSafetensors(join(dir, 'no', 'such', 'dir.safetensors'), tensors())).rejects.toThrow(FileError);
    // Renaming a file over a non-empty directory fails after the data was written: the temporary file must go.
    const target = join(dir, 'taken');
    await mkdir(target);
    await writeFile(join(target, 'x'), 'x');
    const error = await saveSafetensors(target, tensors()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FileError);
    expect((error as FileError).path).toBe(target);
    expect((await readdir(dir)).sort()).toEqual(['taken']);
  });

  it('removes temporary files of dead processes, and keeps those of running ones', async () => {
    const path = join(dir, 'm.safetensors');
    const stale = `.m.safetensors.${deadPid()}-3.tmp`;
    const ours = `.m.safetensors.${process.pid}-999.tmp`;
    const other = `.other.safetensors.${deadPid()}-1.tmp`;
    for (const name of [stale, ours, other]) await writeFile(join(dir, name), 'partial');
    await saveSafetensors(path, tensors());
    expect((await readdir(dir)).sort()).toEqual([ours, other, 'm.safetensors'].sort());
  });
});
