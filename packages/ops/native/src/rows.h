// Row kernels: a copy of equally spaced contiguous rows and sums over leading axes (the row broadcast over a batch
// reuses the elementwise loops, in addon.cc). They replace JS loops that allocate a view per row or add one row at a
// time. The sums must equal the JS kernels (packages/ops/src/js/reduce.ts) bit for bit, so they add in exactly the JS
// order, in double: -O3 without -ffast-math never reassociates FP adds, and there is no multiply for FMA to fuse.
#pragma once

#include <cstddef>
#include <cstring>

#include "dispatch.h"

namespace loom {

// Copies `rows` rows of `width` elements, row r from src + r·srcStride to dst + r·dstStride, in order. Each row is a
// memmove, so a row whose source and destination overlap copies as JS's `set(subarray(…))` does; but rows are
// copied one after another, so overlapping src and dst would make the result depend on that order. The kernel
// assumes they do not overlap, as in loom, where a copy always goes between two different buffers.
template <typename T>
void copyRows(const T* src, size_t srcStride, T* dst, size_t dstStride, size_t rows, size_t width) {
  if (width == 0) return;
  for (size_t r = 0; r < rows; r++) std::memmove(dst + r * dstStride, src + r * srcStride, width * sizeof(T));
}

// JS sumRun: four double accumulators over quads, the tail added to the first, then a0 + a1 + (a2 + a3). Each
// accumulator is a chain of dependent adds in a fixed order; with the four in one vector this is one vector add per
// quad, which is as fast as the chain allows.
template <typename T>
LOOM_INLINE double sumRunLoop(const T* x, size_t n) {
  double a[4] = {0.0, 0.0, 0.0, 0.0};  // +0, as in JS: 0 + (−0) is +0 there too
  const size_t quads = n >> 2;
  for (size_t q = 0; q < quads; q++, x += 4) {
    for (int j = 0; j < 4; j++) a[j] += (double)x[j];
  }
  for (size_t j = quads * 4; j < n; j++, x++) a[0] += (double)*x;
  return a[0] + a[1] + (a[2] + a[3]);
}

// Columns summed per block: the block's double accumulators (8 KiB) stay in L1 while every row streams past.
constexpr size_t kSumBlock = 1024;

// JS sumLeading for width ≥ 2: out[i] = Σ_r x[r·width + i], four rows per pass as acc += ((x0 + x1) + x2) + x3,
// then the leftover rows one at a time, then one rounding to T. Columns are independent, so blocking them changes
// no sum.
template <typename T>
LOOM_INLINE void sumLeadingLoop(const T* x, size_t rows, size_t width, T* out) {
  double acc[kSumBlock];
  for (size_t c0 = 0; c0 < width; c0 += kSumBlock) {
    const size_t w = width - c0 < kSumBlock ? width - c0 : kSumBlock;
    for (size_t i = 0; i < w; i++) acc[i] = 0.0;
    const T* base = x + c0;
    size_t r = 0;
    for (; r + 4 <= rows; r += 4, base += 4 * width) {
      const T *b1 = base + width, *b2 = b1 + width, *b3 = b2 + width;
      for (size_t i = 0; i < w; i++) acc[i] += (double)base[i] + (double)b1[i] + (double)b2[i] + (double)b3[i];
    }
    for (; r < rows; r++, base += width) {
      for (size_t i = 0; i < w; i++) acc[i] += (double)base[i];
    }
    for (size_t i = 0; i < w; i++) out[c0 + i] = (T)acc[i];
  }
}

// One function pointer per kernel and dtype, for the detected instruction set.
template <typename T>
struct RowsTable {
  double (*sumRun)(const T*, size_t);
  void (*sumLeading)(const T*, size_t, size_t, T*);
};

RowsTable<float> rowsF32(Simd s);
RowsTable<double> rowsF64(Simd s);

}  // namespace loom
