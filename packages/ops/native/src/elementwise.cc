#include "elementwise.h"

namespace loom {

#define LOOM_UNARY(NAME, T, SUFFIX, ATTR) \
  ATTR static void NAME##_##SUFFIX(const T* x, T* out, size_t n) { NAME##Loop<T>(x, out, n); }
#define LOOM_BINARY(NAME, T, SUFFIX, ATTR) \
  ATTR static void NAME##_##SUFFIX(const T* a, const T* b, T* out, size_t n) { NAME##Loop<T>(a, b, out, n); }
// No FMA contraction in the activation backwards, whose float64 results must equal JS's bit for bit (see
// elementwise.h). Only there: exp's polynomial keeps its FMAs.
#define LOOM_NO_CONTRACT __attribute__((optimize("fp-contract=off")))
#define LOOM_SET(T, SUFFIX, ATTR)                            \
  LOOM_UNARY(exp, T, SUFFIX, ATTR)                           \
  LOOM_UNARY(tanh, T, SUFFIX, ATTR)                          \
  LOOM_UNARY(sigmoid, T, SUFFIX, ATTR)                       \
  LOOM_BINARY(add, T, SUFFIX, ATTR)                          \
  LOOM_BINARY(mul, T, SUFFIX, ATTR)                          \
  LOOM_BINARY(sub, T, SUFFIX, ATTR)                          \
  LOOM_BINARY(sigmoidGrad, T, SUFFIX, ATTR LOOM_NO_CONTRACT) \
  LOOM_BINARY(tanhGrad, T, SUFFIX, ATTR LOOM_NO_CONTRACT)
#define LOOM_TABLE(SUFFIX)                                                                                      \
  {exp_##SUFFIX, tanh_##SUFFIX, sigmoid_##SUFFIX, add_##SUFFIX, mul_##SUFFIX, sub_##SUFFIX, sigmoidGrad_##SUFFIX, \
   tanhGrad_##SUFFIX}

LOOM_SET(float, f32_sse2, )
LOOM_SET(double, f64_sse2, )
#if LOOM_X86
LOOM_SET(float, f32_avx2, LOOM_TARGET_AVX2)
LOOM_SET(double, f64_avx2, LOOM_TARGET_AVX2)
LOOM_SET(float, f32_avx512, LOOM_TARGET_AVX512)
LOOM_SET(double, f64_avx512, LOOM_TARGET_AVX512)
#endif

ElementwiseTable<float> elementwiseF32(Simd s) {
#if LOOM_X86
  if (s == Simd::avx512) return LOOM_TABLE(f32_avx512);
  if (s == Simd::avx2) return LOOM_TABLE(f32_avx2);
#endif
  (void)s;
  return LOOM_TABLE(f32_sse2);
}

ElementwiseTable<double> elementwiseF64(Simd s) {
#if LOOM_X86
  if (s == Simd::avx512) return LOOM_TABLE(f64_avx512);
  if (s == Simd::avx2) return LOOM_TABLE(f64_avx2);
#endif
  (void)s;
  return LOOM_TABLE(f64_sse2);
}

}  // namespace loom
