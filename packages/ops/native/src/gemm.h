// GEMM: C[m×n] = op(A)[m×k] · op(B)[k×n], with op(A)(i, p) = a[i·rsA + p·csA] and op(B)(p, j) = b[p·rsB + j·csB],
// so every transpose flag is just a choice of strides and nothing is copied beyond the packed panels.
#pragma once

#include <cstddef>

#include "dispatch.h"

namespace loom {

template <typename T>
struct GemmArgs {
  const T* a;
  long rsA, csA;
  const T* b;
  long rsB, csB;
  T* c;
  long ldc;
  long m, n, k;
};

// Runs one product, on one or two threads (see setGemmThreads). Uses OpenBLAS when the addon was built with it and
// allowBlas is true (false lets the parity tests reach the own GEMM in an OpenBLAS build).
void gemmF32(const GemmArgs<float>& g, bool allowBlas = true);
void gemmF64(const GemmArgs<double>& g, bool allowBlas = true);

// The own GEMM on the calling thread only, for the given instruction set.
void ownGemmF32(Simd s, const GemmArgs<float>& g);
void ownGemmF64(Simd s, const GemmArgs<double>& g);

// Threads for GEMM (1 or 2). With OpenBLAS this sets OpenBLAS's pool and the own pool stays idle, and without it only
// the own pool exists, so two pools never compete for the cores.
void setGemmThreads(int n);
int gemmThreads();
bool haveBlas();

}  // namespace loom
