import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { readSafetensors } from '../src/io/safetensors.js';

// A file written from PyTorch tensors by scripts/fixtures/safetensors_torch.py, with PyTorch's own float64 conversion of each
// value: loom's decoders (F16, BF16, integers, BOOL) must agree with PyTorch exactly.

const at = (name: string) => new URL(name, import.meta.url);

describe('a safetensors file made from PyTorch tensors', () => {
  it('reads every tensor with the values PyTorch gives', async () => {
    const { tensors, metadata } = readSafetensors(new Uint8Array(await readFile(at('fixtures/safetensors/torch.safetensors'))));
    const expected = JSON.parse(await readFile(at('fixtures/safetensors/torch.json'), 'utf8')) as Record<
      string,
      { shape: number[]; values: number[] }
    >;
    expect(metadata.source).toMatch(/^torch /);
    expect(Object.keys(tensors).sort()).toEqual(Object.keys(expected).sort());
    for (const [name, { shape, values }] of Object.entries(expected)) {
      const t = tensors[name]!;
      expect([name, t.shape, Array.from(t.data)]).toEqual([name, shape, values]);
      expect([name, t.dtype]).toEqual([
        name,
        name.startsWith('f16') || name === 'bf16' || ['f32', 'empty', 'scalar'].includes(name) ? 'float32' : 'float64',
      ]);
    }
  });
});
