// Branch-free elementwise kernels, written as plain loops that GCC vectorises for each target they are instantiated
// in. exp is a range reduction exp(x) = 2^n · e^r with |r| ≤ ln2/2 and a Taylor polynomial (degree 12 for double,
// 7 for float), which keeps the error within a few ulp of Math.exp; tanh and sigmoid are built on it.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>

#include "dispatch.h"

namespace loom {

template <typename T>
struct ExpConst;

template <>
struct ExpConst<double> {
  using U = uint64_t;
  static constexpr double shifter = 0x1.8p52, lo = -750.0, hi = 710.0;
  static constexpr double ln2hi = 0x1.62e42fefa3800p-1, ln2lo = 0x1.ef35793c76730p-45;
  static constexpr U bias = 1023, mant = 52;
  static LOOM_INLINE double poly(double r) {
    double p = 1.0 / 479001600;
    p = p * r + 1.0 / 39916800;
    p = p * r + 1.0 / 3628800;
    p = p * r + 1.0 / 362880;
    p = p * r + 1.0 / 40320;
    p = p * r + 1.0 / 5040;
    p = p * r + 1.0 / 720;
    p = p * r + 1.0 / 120;
    p = p * r + 1.0 / 24;
    p = p * r + 1.0 / 6;
    p = p * r + 0.5;
    p = p * r + 1.0;
    return p * r + 1.0;
  }
  // Cephes tanh for |x| < 0.625: x + x·z·P(z)/Q(z), z = x².
  static LOOM_INLINE double tanhSmall(double x) {
    double z = x * x;
    double p = (-9.64399179425052238628E-1 * z - 9.92877231001918586564E1) * z - 1.61468768441708447952E3;
    double q = ((z + 1.12811678491632931402E2) * z + 2.23548839060100448583E3) * z + 4.84406305325125486048E3;
    return x + x * z * p / q;
  }
};

template <>
struct ExpConst<float> {
  using U = uint32_t;
  static constexpr float shifter = 0x1.8p23f, lo = -104.0f, hi = 89.0f;
  static constexpr float ln2hi = 0x1.62e4p-1f, ln2lo = 0x1.7f7d1cp-20f;
  static constexpr U bias = 127, mant = 23;
  static LOOM_INLINE float poly(float r) {
    float p = 1.0f / 5040;
    p = p * r + 1.0f / 720;
    p = p * r + 1.0f / 120;
    p = p * r + 1.0f / 24;
    p = p * r + 1.0f / 6;
    p = p * r + 0.5f;
    p = p * r + 1.0f;
    return p * r + 1.0f;
  }
  // Cephes tanhf for |x| < 0.625.
  static LOOM_INLINE float tanhSmall(float x) {
    float z = x * x;
    float p = (((-5.70498872745E-3f * z + 2.06390887954E-2f) * z - 5.37397155531E-2f) * z + 1.33314422036E-1f) * z -
              3.33332819422E-1f;
    return x + p * z * x;
  }
};

// 2^n for an integral n in the normal range, built in the exponent bits.
template <typename T>
LOOM_INLINE T pow2i(T n) {
  using C = ExpConst<T>;
  typename C::U u = __builtin_bit_cast(typename C::U, n + C::shifter);
  return __builtin_bit_cast(T, (typename C::U)((u + C::bias) << C::mant));
}

template <typename T>
LOOM_INLINE T expOne(T x) {
  using C = ExpConst<T>;
  T xc = x < C::lo ? C::lo : (x > C::hi ? C::hi : x);
  T nd = (xc * (T)1.4426950408889634 + C::shifter) - C::shifter;
  T r = (xc - nd * C::ln2hi) - nd * C::ln2lo;
  T p = C::poly(r);
  // Two scale factors keep 2^n representable over the whole clamped range (subnormal and overflowing results).
  T n1 = (nd * (T)0.5 + C::shifter) - C::shifter;
  T y = p * pow2i<T>(n1) * pow2i<T>(nd - n1);
  return x != x ? x : y;
}

template <typename T>
LOOM_INLINE void expLoop(const T* x, T* out, size_t n) {
  for (size_t i = 0; i < n; i++) out[i] = expOne(x[i]);
}

template <typename T>
LOOM_INLINE void tanhLoop(const T* x, T* out, size_t n) {
  for (size_t i = 0; i < n; i++) {
    T v = x[i];
    T a = v < 0 ? -v : v;
    T t = (T)1 - (T)2 / (expOne<T>(a + a) + (T)1);
    T big = v < 0 ? -t : t;
    T small = ExpConst<T>::tanhSmall(v);  // computed for every element so the loop has no branch
    out[i] = a < (T)0.625 ? small : big;
  }
}

template <typename T>
LOOM_INLINE void sigmoidLoop(const T* x, T* out, size_t n) {
  for (size_t i = 0; i < n; i++) {
    T v = x[i];
    T e = expOne<T>(v < 0 ? v : -v);  // e^(−|x|) never overflows
    T d = (T)1 + e;
    out[i] = (v >= 0 ? (T)1 : e) / d;
  }
}

template <typename T>
LOOM_INLINE void addLoop(const T* a, const T* b, T* out, size_t n) {
  for (size_t i = 0; i < n; i++) out[i] = a[i] + b[i];
}

template <typename T>
LOOM_INLINE void mulLoop(const T* a, const T* b, T* out, size_t n) {
  for (size_t i = 0; i < n; i++) out[i] = a[i] * b[i];
}

template <typename T>
LOOM_INLINE void subLoop(const T* a, const T* b, T* out, size_t n) {
  for (size_t i = 0; i < n; i++) out[i] = a[i] - b[i];
}

// The activation backwards compute in double for both dtypes, in the JS kernels' order: JS computes float32 inputs
// in double and rounds once on store, so this gives the same bits (a float-only 1 − y·y loses up to ~1e-4 relative
// to cancellation near |y| = 1). Their instantiations are compiled with fp-contract=off (elementwise.cc): an FMA in
// 1 − y·y would round once where JS rounds twice and break float64 parity.
template <typename T>
LOOM_INLINE void sigmoidGradLoop(const T* gy, const T* y, T* out, size_t n) {
  for (size_t i = 0; i < n; i++) {
    double g = gy[i], v = y[i];
    out[i] = (T)(g * v * (1.0 - v));
  }
}

template <typename T>
LOOM_INLINE void tanhGradLoop(const T* gy, const T* y, T* out, size_t n) {
  for (size_t i = 0; i < n; i++) {
    double g = gy[i], v = y[i];
    out[i] = (T)(g * (1.0 - v * v));
  }
}

// One function pointer per kernel and dtype, filled by selectElementwise for the detected instruction set.
template <typename T>
struct ElementwiseTable {
  void (*exp)(const T*, T*, size_t);
  void (*tanh)(const T*, T*, size_t);
  void (*sigmoid)(const T*, T*, size_t);
  void (*add)(const T*, const T*, T*, size_t);
  void (*mul)(const T*, const T*, T*, size_t);
  void (*sub)(const T*, const T*, T*, size_t);
  void (*sigmoidGrad)(const T*, const T*, T*, size_t);
  void (*tanhGrad)(const T*, const T*, T*, size_t);
};

ElementwiseTable<float> elementwiseF32(Simd s);
ElementwiseTable<double> elementwiseF64(Simd s);

}  // namespace loom
