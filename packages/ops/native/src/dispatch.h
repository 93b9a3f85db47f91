// Runtime CPU dispatch for the own kernels. Each kernel body is an always-inline template; it is instantiated once
// per instruction set inside a function compiled with __attribute__((target(...))), and the widest one the CPU
// supports is picked once at load time. No -march=native: one build runs on any x86-64.
#pragma once

#include <cstddef>

namespace loom {

enum class Simd { sse2, avx2, avx512 };

// The widest instruction set that both the compiler and this CPU support.
Simd detectSimd();
const char* simdName(Simd s);

#if defined(__x86_64__) || defined(__i386__)
#define LOOM_X86 1
#define LOOM_TARGET_AVX2 __attribute__((target("avx2,fma")))
#define LOOM_TARGET_AVX512 __attribute__((target("avx512f,avx512dq,avx2,fma")))
#else
#define LOOM_X86 0
#define LOOM_TARGET_AVX2
#define LOOM_TARGET_AVX512
#endif

#define LOOM_INLINE inline __attribute__((always_inline))

}  // namespace loom
