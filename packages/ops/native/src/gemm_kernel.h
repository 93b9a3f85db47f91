// The own GEMM body: Goto-style blocking (KC × NC panel of B, MC × KC block of A, both packed and zero-padded) and
// an MR × NR register-blocked micro-kernel written with GCC vector extensions. Everything is always-inline so that
// gemm_own.cc can instantiate it inside functions compiled for SSE2, AVX2+FMA and AVX-512.
#pragma once

#include <cstring>
#include <vector>

#include "gemm.h"

namespace loom {

template <typename T, int W, int MR, int NV>
struct OwnGemm {
  static constexpr int NR = W * NV;
  static constexpr long KC = 256, MC = MR * 12, NC = 1024;
  typedef T V __attribute__((vector_size(sizeof(T) * W)));

  static LOOM_INLINE void packA(const GemmArgs<T>& g, long i0, long mc, long p0, long kc, T* ap) {
    for (long ip = 0; ip < mc; ip += MR) {
      for (long p = 0; p < kc; p++) {
        const T* col = g.a + (p0 + p) * g.csA;
        for (int r = 0; r < MR; r++) *ap++ = ip + r < mc ? col[(i0 + ip + r) * g.rsA] : (T)0;
      }
    }
  }

  static LOOM_INLINE void packB(const GemmArgs<T>& g, long p0, long kc, long j0, long nc, T* bp) {
    for (long jp = 0; jp < nc; jp += NR) {
      long w = nc - jp < NR ? nc - jp : NR;
      if (g.rsB == 1 && g.csB != 1) {
        // B read transposed (stored [n, k]): each column of the panel is a contiguous run, so walk columns and write
        // the panel with stride NR. Row by row, each of the NR reads would land on its own cache line (and page).
        constexpr int G = NR < 8 ? NR : 8;  // columns per pass: G neighbouring elements of every panel row at once
        for (int c0 = 0; c0 < NR; c0 += G) {
          const T* col[G];
          for (int c = 0; c < G; c++) col[c] = g.b + p0 + (j0 + jp + (c0 + c < w ? c0 + c : 0)) * g.csB;
          for (long p = 0; p < kc; p++)
            for (int c = 0; c < G; c++) bp[p * NR + c0 + c] = c0 + c < w ? col[c][p] : (T)0;
        }
        bp += kc * NR;
        continue;
      }
      for (long p = 0; p < kc; p++) {
        const T* row = g.b + (p0 + p) * g.rsB + (j0 + jp) * g.csB;
        if (w == NR && g.csB == 1) {
          std::memcpy(bp, row, sizeof(T) * NR);
        } else {
          for (int c = 0; c < NR; c++) bp[c] = c < w ? row[c * g.csB] : (T)0;
        }
        bp += NR;
      }
    }
  }

  // C[mr×nr] (+)= Ap[MR×kc] · Bp[kc×NR]; accumulate is false for the first KC block.
  static LOOM_INLINE void micro(long kc, const T* ap, const T* bp, T* c, long ldc, bool accumulate, long mr, long nr) {
    V acc[MR][NV];
    for (int r = 0; r < MR; r++)
      for (int v = 0; v < NV; v++) acc[r][v] = V{};
    for (long p = 0; p < kc; p++) {
      V b[NV];
      for (int v = 0; v < NV; v++) std::memcpy(&b[v], bp + v * W, sizeof(V));
      for (int r = 0; r < MR; r++) {
        V a = ap[r] + V{};
        for (int v = 0; v < NV; v++) acc[r][v] += a * b[v];
      }
      ap += MR;
      bp += NR;
    }
    if (mr == MR && nr == NR) {
      for (int r = 0; r < MR; r++) {
        for (int v = 0; v < NV; v++) {
          T* dst = c + r * ldc + v * W;
          V x = acc[r][v];
          if (accumulate) {
            V old;
            std::memcpy(&old, dst, sizeof(V));
            x += old;
          }
          std::memcpy(dst, &x, sizeof(V));
        }
      }
      return;
    }
    T tmp[MR][NR];
    std::memcpy(tmp, acc, sizeof(tmp));
    for (long r = 0; r < mr; r++)
      for (long j = 0; j < nr; j++) c[r * ldc + j] = accumulate ? c[r * ldc + j] + tmp[r][j] : tmp[r][j];
  }

  static LOOM_INLINE void run(const GemmArgs<T>& g) {
    if (g.m <= 0 || g.n <= 0) return;
    if (g.k <= 0) {
      for (long i = 0; i < g.m; i++)
        for (long j = 0; j < g.n; j++) g.c[i * g.ldc + j] = 0;
      return;
    }
    thread_local std::vector<T> bufA, bufB;
    long ncMax = g.n < NC ? g.n : NC, kcMax = g.k < KC ? g.k : KC, mcMax = g.m < MC ? g.m : MC;
    size_t needB = (size_t)((ncMax + NR - 1) / NR * NR * kcMax), needA = (size_t)((mcMax + MR - 1) / MR * MR * kcMax);
    if (bufB.size() < needB) bufB.resize(needB);
    if (bufA.size() < needA) bufA.resize(needA);
    for (long j0 = 0; j0 < g.n; j0 += NC) {
      long nc = g.n - j0 < NC ? g.n - j0 : NC;
      for (long p0 = 0; p0 < g.k; p0 += KC) {
        long kc = g.k - p0 < KC ? g.k - p0 : KC;
        packB(g, p0, kc, j0, nc, bufB.data());
        for (long i0 = 0; i0 < g.m; i0 += MC) {
          long mc = g.m - i0 < MC ? g.m - i0 : MC;
          packA(g, i0, mc, p0, kc, bufA.data());
          for (long jr = 0; jr < nc; jr += NR) {
            long nr = nc - jr < NR ? nc - jr : NR;
            for (long ir = 0; ir < mc; ir += MR) {
              long mr = mc - ir < MR ? mc - ir : MR;
              micro(kc, bufA.data() + ir * kc, bufB.data() + jr * kc, g.c + (i0 + ir) * g.ldc + j0 + jr, g.ldc, p0 > 0,
                    mr, nr);
            }
          }
        }
      }
    }
  }
};

}  // namespace loom
