#include "rows.h"

namespace loom {

// Only adds, so fp-contract cannot change a result; the wider targets just vectorise the column loop (and the
// four-accumulator quad) with wider registers.
#define LOOM_ROWS_SET(T, SUFFIX, ATTR)                                                     \
  ATTR static double sumRun_##SUFFIX(const T* x, size_t n) { return sumRunLoop<T>(x, n); } \
  ATTR static void sumLeading_##SUFFIX(const T* x, size_t rows, size_t width, T* out) {    \
    sumLeadingLoop<T>(x, rows, width, out);                                                \
  }
#define LOOM_ROWS_TABLE(SUFFIX) {sumRun_##SUFFIX, sumLeading_##SUFFIX}

LOOM_ROWS_SET(float, f32_sse2, )
LOOM_ROWS_SET(double, f64_sse2, )
#if LOOM_X86
LOOM_ROWS_SET(float, f32_avx2, LOOM_TARGET_AVX2)
LOOM_ROWS_SET(double, f64_avx2, LOOM_TARGET_AVX2)
LOOM_ROWS_SET(float, f32_avx512, LOOM_TARGET_AVX512)
LOOM_ROWS_SET(double, f64_avx512, LOOM_TARGET_AVX512)
#endif

RowsTable<float> rowsF32(Simd s) {
#if LOOM_X86
  if (s == Simd::avx512) return LOOM_ROWS_TABLE(f32_avx512);
  if (s == Simd::avx2) return LOOM_ROWS_TABLE(f32_avx2);
#endif
  (void)s;
  return LOOM_ROWS_TABLE(f32_sse2);
}

RowsTable<double> rowsF64(Simd s) {
#if LOOM_X86
  if (s == Simd::avx512) return LOOM_ROWS_TABLE(f64_avx512);
  if (s == Simd::avx2) return LOOM_ROWS_TABLE(f64_avx2);
#endif
  (void)s;
  return LOOM_ROWS_TABLE(f64_sse2);
}

}  // namespace loom
