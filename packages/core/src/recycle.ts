import type { FloatArray } from '@loom/ops';

// Why a backward sweep reuses memory itself: a config-b LSTM step makes about 60 MB of gradients that are dead a
// few ops after they are made, and V8 finds them dead only at its next collection. Until then every new output is
// fresh memory (page faults, and external-memory pressure that triggers more collections), and the peak RSS is set
// by how far the collector lags. The sweep knows better: GradientSum holds every gradient it stores, and once the
// last holder of memory that the sweep itself allocated lets go, nothing else can reach that memory. Only loom's
// own backward rules are trusted with this (they call ops and keep nothing); what a user's rule sees is pinned.
//
// Dead memory waits in `spare` for the next allocation of its size, in this sweep or in the next forward pass,
// and only while the program runs without pause: the first macrotask after it was put there drops the lot, so
// memory is the collector's again as soon as a training loop awaits or ends.

/** The size class of an allocation with its own ArrayBuffer (slab blocks have log2 of the block size). */
export const OWN_BUFFER = -1;

/**
 * Settings and counters of the reuse, for tests and benchmarks (not exported from the package). Allocations below
 * `minBytes` are not tracked: for them the bookkeeping costs more than the slab carve it saves.
 */
export const recycling = { enabled: true, minBytes: 4096, spareLimitBytes: 256 * 2 ** 20, reusedBytes: 0, madeBytes: 0 };

let active: Recycler | null = null;

/**
 * Whether a view of `size` elements may share the memory of `whole`. A sweep finds the memory of an array only if
 * it is at least `minBytes` long (reading `.buffer` of a small array would move it off V8's heap), so a smaller view
 * of memory it tracks would go unseen, and that memory could be handed out again while the view still reads it.
 * Such a view is a copy instead. Outside a sweep every view is safe: what a forward pass makes is never tracked,
 * and neither are arrays under `minBytes`.
 */
export function mayShare(whole: FloatArray, size: number): boolean {
  return active === null || !isTracked(whole.byteLength) || isTracked(size * whole.BYTES_PER_ELEMENT);
}

/**
 * Whether a sweep tracks an array of `bytes`: at least `minBytes`, and never one that may live on V8's heap (64
 * bytes or less). The one definition used by allocation, lookup and the per-rule bookkeeping.
 */
export const isTracked = (bytes: number): boolean => bytes >= recycling.minBytes && bytes > 64;

/** Memory made while a {@link Recycler} was active: an own buffer, or one block of a slab. */
interface Allocation {
  readonly buffer: ArrayBuffer;
  readonly offset: number;
  /** log2 of the slab's block size, or {@link OWN_BUFFER}. */
  readonly log2: number;
  /** How many holders it has (see {@link Recycler.hold}); `Infinity` once pinned. */
  holders: number;
}

/** Dead allocations by own-buffer byte length, or by slab class as a negative key, so that both fit one map. */
const spare = new Map<number, Allocation[]>();
let spareBytes = 0;
let dropScheduled = false;
const keyOf = (log2: number, bytes: number) => (log2 === OWN_BUFFER ? bytes : -log2);
const sizeOf = (a: Allocation) => (a.log2 === OWN_BUFFER ? a.buffer.byteLength : 1 << a.log2);

/** For `carve`: dead memory for an allocation of `bytes` in size class `log2`, if some waits. */
export function takeSpare(log2: number, bytes: number): Allocation | null {
  if (spareBytes === 0) return null;
  const found = spare.get(keyOf(log2, bytes))?.pop();
  if (found === undefined) return null;
  spareBytes -= sizeOf(found);
  recycling.reusedBytes += bytes;
  return found;
}

function putSpare(a: Allocation): void {
  const bytes = sizeOf(a);
  if (spareBytes + bytes > recycling.spareLimitBytes) return; // the collector frees it
  const key = keyOf(a.log2, bytes);
  const list = spare.get(key);
  if (list === undefined) spare.set(key, [a]);
  else list.push(a);
  spareBytes += bytes;
  if (!dropScheduled) {
    dropScheduled = true;
    const timer: unknown = setTimeout(dropSpare, 0);
    (timer as { unref?: () => void }).unref?.(); // a pending drop must not keep Node running
  }
}

/** How many bytes of dead memory wait to be handed out again (for tests and benchmarks). */
export function spareByteCount(): number {
  return spareBytes;
}

/** Hands all spare memory back to the collector. */
export function dropSpare(): void {
  spare.clear();
  spareBytes = 0;
  dropScheduled = false;
}

/** For `carve`: records memory handed out, so that the active sweep (if any) may take it back. */
export function madeDuringSweep(buffer: ArrayBuffer, offset: number, log2: number, bytes: number, reused: boolean): void {
  if (!reused) recycling.madeBytes += bytes;
  active?.made({ buffer, offset, log2, holders: 0 });
}

/**
 * The memory made during one backward sweep and how many holders each piece has. Memory whose last holder lets
 * go becomes spare; memory made before the sweep is never touched, nor is memory that was never held.
 */
export class Recycler {
  /** By buffer: an own buffer's allocation, or the blocks of a slab made during the sweep (by block index). */
  private readonly allocations = new Map<ArrayBuffer, Allocation | Allocation[]>();
  /**
   * Memory whose holders reached zero since the last {@link flush}. It becomes spare only then: until a rule's
   * results are all stored, one of them may be let go of by one slot and taken up by the next.
   */
  private readonly unheld: Allocation[] = [];

  /** One more holder of the memory `a` lies in (a stored gradient, or a rule's result in flight). */
  hold(a: FloatArray): void {
    const found = this.find(a);
    if (found !== undefined) found.holders++;
  }

  /** One holder fewer; with none left, the memory becomes spare at the next {@link flush}. */
  drop(a: FloatArray): void {
    const found = this.find(a);
    if (found === undefined) return;
    if (--found.holders === 0) this.unheld.push(found);
    else if (found.holders < 0) found.holders = Infinity; // a miscount must never free live memory: keep it
  }

  /** Makes `a`'s memory spare at the next {@link flush} if it has no holder then (a temporary nothing stored). */
  recycle(a: FloatArray): void {
    const found = this.find(a);
    if (found !== undefined && found.holders === 0) this.unheld.push(found);
  }

  /** Makes spare what still has no holder; called once a rule's results are all stored. */
  flush(): void {
    if (this.unheld.length === 0) return; // the common case: per op, and truncating an array is not free
    for (const found of this.unheld) {
      if (found.holders !== 0) continue; // taken up again, or listed twice
      found.holders = Infinity; // spare once only
      putSpare(found);
    }
    this.unheld.length = 0;
  }

  /** Never makes `a`'s memory spare: someone the sweep cannot count (a user's rule) may keep it. */
  pin(a: FloatArray): void {
    const found = this.find(a);
    if (found !== undefined) found.holders = Infinity;
  }

  /** Records memory handed out while this sweep runs. */
  made(allocation: Allocation): void {
    if (allocation.log2 === OWN_BUFFER) {
      this.allocations.set(allocation.buffer, allocation);
      return;
    }
    let blocks = this.allocations.get(allocation.buffer) as Allocation[] | undefined;
    if (blocks === undefined) this.allocations.set(allocation.buffer, (blocks = []));
    blocks[allocation.offset >> allocation.log2] = allocation;
  }

  private find(a: FloatArray): Allocation | undefined {
    // The size test comes first: reading `.buffer` of a small array would move it off V8's heap.
    if (!isTracked(a.byteLength)) return undefined;
    const entry = this.allocations.get(a.buffer as ArrayBuffer);
    if (entry === undefined || !Array.isArray(entry)) return entry;
    // All blocks of one slab share a size class; a view lies inside the block it was cut from.
    for (const block of entry) if (block !== undefined) return entry[a.byteOffset >> block.log2];
    return undefined;
  }
}

/**
 * Runs `fn` with a fresh {@link Recycler} when `wanted`, and with none when one is already active (a sweep inside
 * a user's rule: the outer sweep pins what that rule sees, so the inner one recycles nothing).
 */
export function withRecycler<T>(wanted: boolean, fn: (r: Recycler | null) => T): T {
  if (!wanted || !recycling.enabled || active !== null) return fn(null);
  const mine = new Recycler();
  active = mine;
  try {
    return fn(mine);
  } finally {
    active = null;
  }
}
