#include "gemm.h"

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#ifdef LOOM_HAVE_BLAS
#include <cblas.h>
#endif

namespace loom {

namespace {

Simd simd = detectSimd();
int threads = 1;

// One persistent helper thread that sleeps on a condition variable between jobs (it never spins), so it costs
// nothing while OpenBLAS or JavaScript runs. Created on the first two-thread product.
class Helper {
 public:
  void run(const std::function<void()>& mine, const std::function<void()>& theirs) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!worker_.joinable()) worker_ = std::thread([this] { loop(); });
      job_ = theirs;
      pending_ = true;
    }
    cv_.notify_all();
    mine();
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [this] { return !pending_; });
  }
  ~Helper() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    if (worker_.joinable()) worker_.join();
  }

 private:
  void loop() {
    std::unique_lock<std::mutex> lock(mu_);
    for (;;) {
      cv_.wait(lock, [this] { return pending_ || stop_; });
      if (stop_) return;
      lock.unlock();
      job_();
      lock.lock();
      pending_ = false;
      cv_.notify_all();
    }
  }
  std::mutex mu_;
  std::condition_variable cv_;
  std::function<void()> job_;
  bool pending_ = false, stop_ = false;
  std::thread worker_;
};

Helper& helper() {
  static Helper h;
  return h;
}

// Below this many multiply-adds, waking the helper costs more than it saves.
constexpr double kSplitWork = 1 << 18;

template <typename T>
void ownParallel(const GemmArgs<T>& g, void (*one)(Simd, const GemmArgs<T>&)) {
  if (threads < 2 || (double)g.m * g.n * g.k < kSplitWork || (g.m < 16 && g.n < 32)) return one(simd, g);
  GemmArgs<T> x = g, y = g;
  if (g.m >= 16) {  // split the rows of A and C
    long h = g.m / 2;
    x.m = h;
    y.m = g.m - h;
    y.a = g.a + h * g.rsA;
    y.c = g.c + h * g.ldc;
  } else {  // split the columns of B and C
    long h = g.n / 2;
    x.n = h;
    y.n = g.n - h;
    y.b = g.b + h * g.csB;
    y.c = g.c + h;
  }
  helper().run([&] { one(simd, x); }, [&] { one(simd, y); });
}

#ifdef LOOM_HAVE_BLAS
// Maps strides to a cblas transpose flag and leading dimension; false when the layout has no cblas form.
bool blasOperand(long rs, long cs, long rows, long cols, CBLAS_TRANSPOSE* t, int* ld) {
  if (cs == 1 && rs >= (cols > 1 ? cols : 1)) {
    *t = CblasNoTrans;
    *ld = (int)rs;
    return true;
  }
  if (rs == 1 && cs >= (rows > 1 ? rows : 1)) {
    *t = CblasTrans;
    *ld = (int)cs;
    return true;
  }
  return false;
}

// One row of A (a vector-matrix product, e.g. h·Wᵀ for a batch of one): sgemm pays several µs of set-up for what
// gemv does in about one, and a recurrent step at batch 1 is nothing but these.
template <typename T, typename V>
bool blasRow(const GemmArgs<T>& g, V gemv) {
  CBLAS_TRANSPOSE tb;
  int ldb;
  const long incx = g.k == 1 ? 1 : g.csA;  // a's step along k; BLAS needs it ≥ 1
  if (g.m != 1 || g.n <= 0 || g.k <= 0 || incx < 1 || !blasOperand(g.rsB, g.csB, g.k, g.n, &tb, &ldb)) return false;
  // c = Bᵀ·a: B stored as [k, n] is transposed by gemv; B stored as [n, k] (transB) is not.
  if (tb == CblasNoTrans) gemv(CblasRowMajor, CblasTrans, (int)g.k, (int)g.n, (T)1, g.b, ldb, g.a, (int)incx, (T)0, g.c, 1);
  else gemv(CblasRowMajor, CblasNoTrans, (int)g.n, (int)g.k, (T)1, g.b, ldb, g.a, (int)incx, (T)0, g.c, 1);
  return true;
}

template <typename T, typename F>
bool blas(const GemmArgs<T>& g, F gemm) {
  CBLAS_TRANSPOSE ta, tb;
  int lda, ldb;
  if (g.m <= 0 || g.n <= 0 || g.k <= 0) return false;
  if (!blasOperand(g.rsA, g.csA, g.m, g.k, &ta, &lda) || !blasOperand(g.rsB, g.csB, g.k, g.n, &tb, &ldb)) return false;
  gemm(CblasRowMajor, ta, tb, (int)g.m, (int)g.n, (int)g.k, (T)1, g.a, lda, g.b, ldb, (T)0, g.c, (int)g.ldc);
  return true;
}
#endif

}  // namespace

void gemmF32(const GemmArgs<float>& g, bool allowBlas) {
#ifdef LOOM_HAVE_BLAS
  if (allowBlas && (blasRow(g, cblas_sgemv) || blas(g, cblas_sgemm))) return;
#endif
  (void)allowBlas;
  ownParallel(g, ownGemmF32);
}

void gemmF64(const GemmArgs<double>& g, bool allowBlas) {
#ifdef LOOM_HAVE_BLAS
  if (allowBlas && (blasRow(g, cblas_dgemv) || blas(g, cblas_dgemm))) return;
#endif
  (void)allowBlas;
  ownParallel(g, ownGemmF64);
}

void setGemmThreads(int n) {
  threads = n < 1 ? 1 : (n > 2 ? 2 : n);
#ifdef LOOM_HAVE_BLAS
  openblas_set_num_threads(n < 1 ? 1 : n);
#endif
}

int gemmThreads() {
#ifdef LOOM_HAVE_BLAS
  return openblas_get_num_threads();
#else
  return threads;
#endif
}

bool haveBlas() {
#ifdef LOOM_HAVE_BLAS
  return true;
#else
  return false;
#endif
}

}  // namespace loom
