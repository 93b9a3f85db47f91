#include "dispatch.h"

#include <cstdlib>
#include <cstring>

namespace loom {

// LOOM_NATIVE_SIMD=sse2|avx2 caps the choice, so the narrower paths can be tested on a wider CPU.
Simd detectSimd() {
  const char* cap = std::getenv("LOOM_NATIVE_SIMD");
  const bool upToAvx2 = !cap || std::strcmp(cap, "sse2") != 0;
  const bool upToAvx512 = upToAvx2 && (!cap || std::strcmp(cap, "avx2") != 0);
#if LOOM_X86
  __builtin_cpu_init();
  if (upToAvx512 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq")) return Simd::avx512;
  if (upToAvx2 && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return Simd::avx2;
#endif
  (void)upToAvx2;
  (void)upToAvx512;
  return Simd::sse2;
}

const char* simdName(Simd s) {
  switch (s) {
    case Simd::avx512:
      return "avx512";
    case Simd::avx2:
      return "avx2";
    default:
      return "sse2";
  }
}

}  // namespace loom
