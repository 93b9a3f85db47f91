import type { DType, FloatArray } from '@loom/ops';
import { isTracked, madeDuringSweep, OWN_BUFFER, takeSpare } from './recycle.js';

// Why carve tensors out of shared blocks: V8 keeps a typed array of more than 64 bytes outside its heap, and making
// one costs a backing store, an ArrayBuffer extension and external-memory bookkeeping — about 2 µs on this machine
// kind, against 0.04 µs for a view on an existing ArrayBuffer. A recurrent training step makes thousands of small
// outputs, so that cost alone was about a third of an overhead-bound step. Here a fresh ArrayBuffer holds
// `BLOCKS_PER_SLAB` equal blocks of one power-of-two size class and each small allocation is a view on one block.
//
// Memory still belongs to the garbage collector: a slab is freed when the last view into it is gone. A block is
// reused only when a backward sweep has proved it dead (recycle.ts), and alloc zeroes it then. The price is that a
// long-lived view keeps its whole slab alive: at most BLOCKS_PER_SLAB × 2 times the bytes of the tensors that
// outlive their neighbours (that is the bound docs/performance.md states). Tiny arrays stay on V8's heap, where
// they are already cheap, and large ones get their own buffer, where the allocation is small next to the work that
// fills it.

/** Arrays of at most this many bytes live on V8's heap (its `typed_array_max_size_in_heap`); no slab needed. */
const ON_HEAP_BYTES = 64;
/** Arrays above this many bytes get their own ArrayBuffer. */
const MAX_SLAB_BLOCK_BYTES = 64 * 1024;
/** Blocks per slab: the allocation cost is shared by this many arrays, and it bounds the memory a pinned slab wastes. */
const BLOCKS_PER_SLAB = 8;

interface SizeClass {
  slab: ArrayBuffer | null;
  next: number;
}

/** One open slab per power-of-two size class, indexed by log2 of the block size. */
const sizeClasses = (): SizeClass[] => Array.from({ length: 32 }, () => ({ slab: null, next: BLOCKS_PER_SLAB }));
const zeroed = sizeClasses();
const unset = sizeClasses();

// Node can hand out memory without zeroing it (Buffer.allocUnsafeSlow): 7x cheaper at 128 KiB here, where zeroing
// is most of the cost. Elsewhere (a browser) every buffer is zeroed.
const nodeBuffer = (globalThis as { Buffer?: { allocUnsafeSlow(bytes: number): Uint8Array } }).Buffer;
const rawBuffer = nodeBuffer ? (bytes: number) => nodeBuffer.allocUnsafeSlow(bytes).buffer as ArrayBuffer : null;

/** A zero-filled array of `size` elements of `dtype`, owned by the garbage collector like any other. */
export function alloc(dtype: DType, size: number): FloatArray {
  return carve(dtype, size, zeroed, (bytes) => new ArrayBuffer(bytes));
}

/**
 * An array of `size` elements of `dtype` whose contents are unspecified: only for outputs a kernel overwrites
 * completely (elementwise maps, a product with k ≥ 1). Tests fill such outputs with NaN first to catch a kernel
 * that skips an element.
 */
export function allocUnset(dtype: DType, size: number): FloatArray {
  return rawBuffer === null ? alloc(dtype, size) : carve(dtype, size, unset, rawBuffer);
}

function carve(dtype: DType, size: number, classes: SizeClass[], buffer: (bytes: number) => ArrayBuffer): FloatArray {
  const wide = dtype === 'float64';
  const bytes = size * (wide ? 8 : 4);
  if (bytes <= ON_HEAP_BYTES) return wide ? new Float64Array(size) : new Float32Array(size);
  const log2 = bytes > MAX_SLAB_BLOCK_BYTES ? OWN_BUFFER : 32 - Math.clz32(bytes - 1);
  const tracked = isTracked(bytes);
  const spare = tracked ? takeSpare(log2, bytes) : null;
  let home: ArrayBuffer;
  let offset = 0;
  if (spare !== null) {
    ({ buffer: home, offset } = spare);
  } else if (log2 === OWN_BUFFER) {
    home = buffer(bytes);
  } else {
    const cls = classes[log2]!;
    if (cls.next === BLOCKS_PER_SLAB) {
      cls.slab = buffer(BLOCKS_PER_SLAB << log2);
      cls.next = 0;
    }
    home = cls.slab!;
    offset = cls.next++ << log2;
  }
  const out = wide ? new Float64Array(home, offset, size) : new Float32Array(home, offset, size);
  // Spare memory still holds its last contents: alloc promises zeros, allocUnset does not.
  if (spare !== null && classes === zeroed) out.fill(0);
  if (tracked) madeDuringSweep(home, offset, log2, bytes, spare !== null);
  return out;
}
