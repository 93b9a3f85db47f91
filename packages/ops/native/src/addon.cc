// The N-API surface of loom's native kernels. Every kernel works in place on the typed arrays' memory (no copies)
// and checks types and lengths first, so a bad call throws instead of touching memory out of bounds. The size
// thresholds live in TypeScript (packages/ops/src/native.ts); these entry points serve every size.
#include <napi.h>

#include <cstdint>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "elementwise.h"
#include "gemm.h"
#include "rows.h"

namespace loom {
namespace {

const Simd simd = detectSimd();
const ElementwiseTable<float> ew32 = elementwiseF32(simd);
const ElementwiseTable<double> ew64 = elementwiseF64(simd);
const RowsTable<float> rows32 = rowsF32(simd);
const RowsTable<double> rows64 = rowsF64(simd);

template <typename T>
const ElementwiseTable<T>& table();
template <>
const ElementwiseTable<float>& table<float>() { return ew32; }
template <>
const ElementwiseTable<double>& table<double>() { return ew64; }

template <typename T>
const RowsTable<T>& rowsTable();
template <>
const RowsTable<float>& rowsTable<float>() { return rows32; }
template <>
const RowsTable<double>& rowsTable<double>() { return rows64; }

template <typename T>
struct Arg {
  T* data = nullptr;
  size_t length = 0;
  bool ok = false;
};

// Argument `i` as a typed array of T; on a type mismatch `ok` is false and a TypeError is pending.
template <typename T>
Arg<T> arrayArg(const Napi::CallbackInfo& info, size_t i) {
  Arg<T> r;
  napi_typedarray_type type;
  void* data = nullptr;
  napi_value buffer;
  size_t offset;
  const napi_typedarray_type want = sizeof(T) == 4 ? napi_float32_array : napi_float64_array;
  if (i >= info.Length() || !info[i].IsTypedArray() ||
      napi_get_typedarray_info(info.Env(), info[i], &type, &r.length, &data, &buffer, &offset) != napi_ok ||
      type != want) {
    Napi::TypeError::New(info.Env(), sizeof(T) == 4 ? "expected a Float32Array" : "expected a Float64Array")
        .ThrowAsJavaScriptException();
    return r;
  }
  r.data = static_cast<T*>(data);
  r.ok = true;
  return r;
}

void rangeError(const Napi::CallbackInfo& info, const char* message) {
  Napi::RangeError::New(info.Env(), message).ThrowAsJavaScriptException();
}

// (x, out): out[i] = f(x[i]) for i < out.length.
template <typename T, void (*ElementwiseTable<T>::*Fn)(const T*, T*, size_t)>
Napi::Value unary(const Napi::CallbackInfo& info) {
  Arg<T> x = arrayArg<T>(info, 0);
  if (!x.ok) return info.Env().Undefined();
  Arg<T> out = arrayArg<T>(info, 1);
  if (!out.ok) return info.Env().Undefined();
  if (x.length < out.length) rangeError(info, "input shorter than output");
  else if (out.length > 0) (table<T>().*Fn)(x.data, out.data, out.length);
  return info.Env().Undefined();
}

// (a, b, out), all the same shape: out[i] = f(a[i], b[i]) for i < out.length. Also serves the activation
// backwards, as (gy, y, out).
template <typename T, void (*ElementwiseTable<T>::*Fn)(const T*, const T*, T*, size_t)>
Napi::Value binary(const Napi::CallbackInfo& info) {
  Arg<T> a = arrayArg<T>(info, 0);
  if (!a.ok) return info.Env().Undefined();
  Arg<T> b = arrayArg<T>(info, 1);
  if (!b.ok) return info.Env().Undefined();
  Arg<T> out = arrayArg<T>(info, 2);
  if (!out.ok) return info.Env().Undefined();
  if (a.length < out.length || b.length < out.length) rangeError(info, "input shorter than output");
  else if (out.length > 0) (table<T>().*Fn)(a.data, b.data, out.data, out.length);
  return info.Env().Undefined();
}

// Argument `i` as a non-negative integer (an offset, stride or size) in *out; otherwise false, with a RangeError
// saying `message` pending. 2^53 − 1 bounds it so that the double held it exactly.
bool indexArg(const Napi::CallbackInfo& info, size_t i, const char* message, uint64_t* out) {
  if (i >= info.Length() || !info[i].IsNumber()) {
    rangeError(info, message);
    return false;
  }
  const double d = info[i].As<Napi::Number>().DoubleValue();
  if (!(d >= 0 && d <= 9007199254740991.0) || d != (double)(uint64_t)d) {
    rangeError(info, message);
    return false;
  }
  *out = (uint64_t)d;
  return true;
}

// (a, b, out, batch, m, n, k, transA, transB, strideA, strideB): the MatmulLayout contract of kernels.ts. With
// Blas false the own GEMM serves even in an OpenBLAS build (for the parity tests).
template <typename T, bool Blas>
Napi::Value matmul(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Arg<T> a = arrayArg<T>(info, 0);
  if (!a.ok) return env.Undefined();
  Arg<T> b = arrayArg<T>(info, 1);
  if (!b.ok) return env.Undefined();
  Arg<T> out = arrayArg<T>(info, 2);
  if (!out.ok) return env.Undefined();
  uint64_t d[6];
  const size_t at[6] = {3, 4, 5, 6, 9, 10};
  for (int i = 0; i < 6; i++) {
    if (!indexArg(info, at[i], "matmul: batch, m, n, k, strideA and strideB must be non-negative integers", &d[i]))
      return env.Undefined();
  }
  const long batch = (long)d[0], m = (long)d[1], n = (long)d[2], k = (long)d[3], sa = (long)d[4], sb = (long)d[5];
  const bool ta = info.Length() > 7 && info[7].ToBoolean().Value();
  const bool tb = info.Length() > 8 && info[8].ToBoolean().Value();
  if (batch == 0 || m == 0 || n == 0) return env.Undefined();
  // Extents in double so that overflow cannot hide an out-of-bounds layout.
  const double lastA = (double)(batch - 1) * sa + (double)m * k, lastB = (double)(batch - 1) * sb + (double)k * n;
  if ((double)out.length < (double)batch * m * n || (k > 0 && ((double)a.length < lastA || (double)b.length < lastB))) {
    rangeError(info, "matmul: a buffer is too short for the layout");
    return env.Undefined();
  }
  for (long t = 0; t < batch; t++) {
    GemmArgs<T> g{a.data + t * sa, ta ? 1 : k, ta ? m : 1, b.data + t * sb, tb ? 1 : n, tb ? k : 1,
                  out.data + t * m * n, n, m, n, k};
    if constexpr (sizeof(T) == 4) gemmF32(g, Blas);
    else gemmF64(g, Blas);
  }
  return env.Undefined();
}


// Whether rows starting at offset, offset + stride, … (rows of them, each width long; rows, width ≥ 1) all end within
// length. Every step is checked for overflow, so no huge stride can wrap around into range.
bool rowsFit(size_t length, uint64_t offset, uint64_t stride, uint64_t rows, uint64_t width) {
  uint64_t end;
  if (__builtin_mul_overflow(rows - 1, stride, &end) || __builtin_add_overflow(end, offset, &end) ||
      __builtin_add_overflow(end, width, &end))
    return false;
  return end <= (uint64_t)length;
}

// (src, srcOffset, srcRowStride, dst, dstOffset, dstRowStride, rows, width): copies row r of `width` elements from
// src[srcOffset + r·srcRowStride] to dst[dstOffset + r·dstRowStride]. Assumes src and dst do not overlap (see
// copyRows in rows.h).
template <typename T>
Napi::Value copyRowsFn(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Arg<T> src = arrayArg<T>(info, 0);
  if (!src.ok) return env.Undefined();
  Arg<T> dst = arrayArg<T>(info, 3);
  if (!dst.ok) return env.Undefined();
  uint64_t v[6];
  const size_t at[6] = {1, 2, 4, 5, 6, 7};
  for (int i = 0; i < 6; i++) {
    if (!indexArg(info, at[i], "copyRows: offsets, strides, rows and width must be non-negative integers", &v[i]))
      return env.Undefined();
  }
  const uint64_t srcOffset = v[0], srcStride = v[1], dstOffset = v[2], dstStride = v[3], rows = v[4], width = v[5];
  if (rows == 0 || width == 0) return env.Undefined();
  if (!rowsFit(src.length, srcOffset, srcStride, rows, width) ||
      !rowsFit(dst.length, dstOffset, dstStride, rows, width)) {
    rangeError(info, "copyRows: a row falls outside its buffer");
    return env.Undefined();
  }
  copyRows<T>(src.data + srcOffset, srcStride, dst.data + dstOffset, dstStride, rows, width);
  return env.Undefined();
}

// (x, rows, width, out): out[i] = Σ_r x[r·width + i] for i < width, added in double in the JS kernel's order (see
// rows.h), so the result equals JS's bit for bit. Width 1 is a full sum, as JS's sumRun.
template <typename T>
Napi::Value sumLeadingFn(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Arg<T> x = arrayArg<T>(info, 0);
  if (!x.ok) return env.Undefined();
  Arg<T> out = arrayArg<T>(info, 3);
  if (!out.ok) return env.Undefined();
  uint64_t rows, width, size;
  const char* message = "sumLeading: rows and width must be non-negative integers";
  if (!indexArg(info, 1, message, &rows) || !indexArg(info, 2, message, &width)) return env.Undefined();
  if (__builtin_mul_overflow(rows, width, &size) || size > (uint64_t)x.length || width > (uint64_t)out.length) {
    rangeError(info, "sumLeading: a buffer is too short for rows × width");
    return env.Undefined();
  }
  if (width == 1) out.data[0] = (T)rowsTable<T>().sumRun(x.data, rows);
  else if (width > 1) rowsTable<T>().sumLeading(x.data, rows, width, out.data);
  return env.Undefined();
}

// (full, row, out): out[r·w + i] = f(full[r·w + i], row[i]) for every row r of out, w = row.length, in one call (a
// bias over a batch); each row runs the SIMD same-shape loop.
template <typename T, void (*ElementwiseTable<T>::*Fn)(const T*, const T*, T*, size_t)>
Napi::Value byRow(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Arg<T> full = arrayArg<T>(info, 0);
  if (!full.ok) return env.Undefined();
  Arg<T> row = arrayArg<T>(info, 1);
  if (!row.ok) return env.Undefined();
  Arg<T> out = arrayArg<T>(info, 2);
  if (!out.ok) return env.Undefined();
  if (out.length == 0) return env.Undefined();
  if (row.length == 0 || out.length % row.length != 0) {
    rangeError(info, "row kernel: the output length is not a multiple of the row length");
    return env.Undefined();
  }
  if (full.length < out.length) {
    rangeError(info, "input shorter than output");
    return env.Undefined();
  }
  const size_t w = row.length;
  for (size_t o = 0; o < out.length; o += w) (table<T>().*Fn)(full.data + o, row.data, out.data + o, w);
  return env.Undefined();
}

Napi::Value setNumThreads(const Napi::CallbackInfo& info) {
  if (info.Length() < 1 || !info[0].IsNumber()) {
    rangeError(info, "setNumThreads: expected a number");
    return info.Env().Undefined();
  }
  setGemmThreads(info[0].As<Napi::Number>().Int32Value());
  return Napi::Number::New(info.Env(), gemmThreads());
}

// Why loom tunes glibc's allocator: a training step frees and makes tens of megabytes of arrays, and by default
// glibc maps every large one fresh from the OS (mmap) and unmaps it when freed, or trims the heap top. Touching a
// fresh page costs a fault: ~11 us per 4 KiB page in these VMs, a hundred times the copy itself. A config-c LSTM
// step spent 370 of 1550 ms faulting in two 64 MiB buffers. With mmap off, every array comes from the heap and a
// freed one is reused for the next of its size; up to 128 MiB of free heap top is kept. Returns whether glibc took
// both settings (false elsewhere: other allocators keep their own policy).
Napi::Value keepFreedMemory(const Napi::CallbackInfo& info) {
#if defined(__GLIBC__)
  const bool ok = mallopt(M_MMAP_MAX, 0) == 1 && mallopt(M_TRIM_THRESHOLD, 128 << 20) == 1;
#else
  const bool ok = false;
#endif
  return Napi::Boolean::New(info.Env(), ok);
}

Napi::Value getInfo(const Napi::CallbackInfo& info) {
  Napi::Object o = Napi::Object::New(info.Env());
  o.Set("blas", haveBlas() ? "openblas" : "own");
  o.Set("simd", simdName(simd));
  o.Set("threads", gemmThreads());
  return o;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  setGemmThreads(1);  // one thread until asked; OpenBLAS would otherwise use every core
  exports.Set("matmulF32", Napi::Function::New(env, matmul<float, true>));
  exports.Set("matmulF64", Napi::Function::New(env, matmul<double, true>));
  exports.Set("ownMatmulF32", Napi::Function::New(env, matmul<float, false>));
  exports.Set("ownMatmulF64", Napi::Function::New(env, matmul<double, false>));
  exports.Set("expF32", Napi::Function::New(env, unary<float, &ElementwiseTable<float>::exp>));
  exports.Set("expF64", Napi::Function::New(env, unary<double, &ElementwiseTable<double>::exp>));
  exports.Set("tanhF32", Napi::Function::New(env, unary<float, &ElementwiseTable<float>::tanh>));
  exports.Set("tanhF64", Napi::Function::New(env, unary<double, &ElementwiseTable<double>::tanh>));
  exports.Set("sigmoidF32", Napi::Function::New(env, unary<float, &ElementwiseTable<float>::sigmoid>));
  exports.Set("sigmoidF64", Napi::Function::New(env, unary<double, &ElementwiseTable<double>::sigmoid>));
  exports.Set("addF32", Napi::Function::New(env, binary<float, &ElementwiseTable<float>::add>));
  exports.Set("addF64", Napi::Function::New(env, binary<double, &ElementwiseTable<double>::add>));
  exports.Set("mulF32", Napi::Function::New(env, binary<float, &ElementwiseTable<float>::mul>));
  exports.Set("mulF64", Napi::Function::New(env, binary<double, &ElementwiseTable<double>::mul>));
  exports.Set("subF32", Napi::Function::New(env, binary<float, &ElementwiseTable<float>::sub>));
  exports.Set("subF64", Napi::Function::New(env, binary<double, &ElementwiseTable<double>::sub>));
  exports.Set("sigmoidGradF32", Napi::Function::New(env, binary<float, &ElementwiseTable<float>::sigmoidGrad>));
  exports.Set("sigmoidGradF64", Napi::Function::New(env, binary<double, &ElementwiseTable<double>::sigmoidGrad>));
  exports.Set("tanhGradF32", Napi::Function::New(env, binary<float, &ElementwiseTable<float>::tanhGrad>));
  exports.Set("tanhGradF64", Napi::Function::New(env, binary<double, &ElementwiseTable<double>::tanhGrad>));
  exports.Set("copyRowsF32", Napi::Function::New(env, copyRowsFn<float>));
  exports.Set("copyRowsF64", Napi::Function::New(env, copyRowsFn<double>));
  exports.Set("sumLeadingF32", Napi::Function::New(env, sumLeadingFn<float>));
  exports.Set("sumLeadingF64", Napi::Function::New(env, sumLeadingFn<double>));
  exports.Set("addRowF32", Napi::Function::New(env, byRow<float, &ElementwiseTable<float>::add>));
  exports.Set("addRowF64", Napi::Function::New(env, byRow<double, &ElementwiseTable<double>::add>));
  exports.Set("mulRowF32", Napi::Function::New(env, byRow<float, &ElementwiseTable<float>::mul>));
  exports.Set("mulRowF64", Napi::Function::New(env, byRow<double, &ElementwiseTable<double>::mul>));
  exports.Set("subRowF32", Napi::Function::New(env, byRow<float, &ElementwiseTable<float>::sub>));
  exports.Set("subRowF64", Napi::Function::New(env, byRow<double, &ElementwiseTable<double>::sub>));
  exports.Set("setNumThreads", Napi::Function::New(env, setNumThreads));
  exports.Set("info", Napi::Function::New(env, getInfo));
  exports.Set("keepFreedMemory", Napi::Function::New(env, keepFreedMemory));
  return exports;
}

}  // namespace
}  // namespace loom

static Napi::Object InitLoom(Napi::Env env, Napi::Object exports) { return loom::Init(env, exports); }

NODE_API_MODULE(loom_native, InitLoom)
