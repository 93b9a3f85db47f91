#include "gemm_kernel.h"

namespace loom {

// Register tiles: 16 vector registers (SSE2, AVX2) hold 8 or 12 accumulators; AVX-512's 32 hold 24.
static void f32_sse2(const GemmArgs<float>& g) { OwnGemm<float, 4, 4, 2>::run(g); }
static void f64_sse2(const GemmArgs<double>& g) { OwnGemm<double, 2, 4, 2>::run(g); }
#if LOOM_X86
LOOM_TARGET_AVX2 static void f32_avx2(const GemmArgs<float>& g) { OwnGemm<float, 8, 6, 2>::run(g); }
LOOM_TARGET_AVX2 static void f64_avx2(const GemmArgs<double>& g) { OwnGemm<double, 4, 6, 2>::run(g); }
LOOM_TARGET_AVX512 static void f32_avx512(const GemmArgs<float>& g) { OwnGemm<float, 16, 12, 2>::run(g); }
LOOM_TARGET_AVX512 static void f64_avx512(const GemmArgs<double>& g) { OwnGemm<double, 8, 12, 2>::run(g); }
#endif

void ownGemmF32(Simd s, const GemmArgs<float>& g) {
#if LOOM_X86
  if (s == Simd::avx512) return f32_avx512(g);
  if (s == Simd::avx2) return f32_avx2(g);
#endif
  f32_sse2(g);
}

void ownGemmF64(Simd s, const GemmArgs<double>& g) {
#if LOOM_X86
  if (s == Simd::avx512) return f64_avx512(g);
  if (s == Simd::avx2) return f64_avx2(g);
#endif
  f64_sse2(g);
}

}  // namespace loom
