#include "kernels/backends/xnnpack/dense_xnnpack.h"

#include <algorithm>
#include <limits>
#include <mutex>

#include "kernels/backends/xnnpack/passes.h"
#include "kernels/backends/xnnpack/xnnpack_runtime.h"

namespace edgerun::kernels {

namespace {

class DenseF32Xnnpack final : public DenseF32 {
 public:
  DenseF32Xnnpack(const DenseShape& shape, const Epilogue& epilogue, xnn_operator_t op, pthreadpool_t pool)
      : shape_(shape), epilogue_(epilogue), op_(op), pool_(pool) {}

  void run(const float* a, const float* residual, float* y, void* scratch) const override {
    const size_t count = static_cast<size_t>(shape_.m * shape_.n);
    const bool post = xnnpack::needs_epilogue_pass(epilogue_);
    float* out = post ? static_cast<float*>(scratch) : y;
    const bool ran = xnnpack::setup_and_run(mutex_, op_.get(), pool_, [&] {
      return xnn_setup_fully_connected_nc_f32(op_.get(), static_cast<size_t>(shape_.m), a, out, pool_);
    });
    // create() validated every parameter setup checks; NaN rather than stale output should XNNPACK disagree.
    if (!ran) {
      std::fill(y, y + count, std::numeric_limits<float>::quiet_NaN());
      return;
    }
    if (post) {
      xnnpack::apply_epilogue(pool_, count, out, epilogue_.residual ? residual : nullptr, epilogue_.min,
                              epilogue_.max, y);
    }
  }

  size_t scratch_bytes() const override {
    return xnnpack::needs_epilogue_pass(epilogue_) ? static_cast<size_t>(shape_.m * shape_.n) * sizeof(float) : 0;
  }

 private:
  DenseShape shape_;
  Epilogue epilogue_;
  std::unique_ptr<xnn_operator, xnnpack::OperatorDeleter> op_;
  pthreadpool_t pool_;
  mutable std::mutex mutex_;
};

}  // namespace

bool dense_f32_xnnpack_supports(const DenseShape& s) { return s.m > 0 && s.n > 0 && s.k > 0; }

Result<std::unique_ptr<DenseF32>> create_dense_f32_xnnpack(const DenseShape& s, const float* b, const float* bias,
                                                           const Epilogue& epilogue) {
  if (!dense_f32_xnnpack_supports(s)) return unsupported("XNNPACK dense: empty shape");
  RETURN_IF_ERROR(xnnpack::initialize());
  ASSIGN_OR_RETURN(pthreadpool_t pool, xnnpack::threadpool_for_current_threads());
  constexpr float kInf = std::numeric_limits<float>::infinity();
  const bool post = xnnpack::needs_epilogue_pass(epilogue);
  xnn_operator_t op = nullptr;
  // XNNPACK's kernel is [n, k]; XNN_FLAG_TRANSPOSE_WEIGHTS takes [k, n] as given.
  RETURN_IF_ERROR(xnnpack::check(
      xnn_create_fully_connected_nc_f32(static_cast<size_t>(s.k), static_cast<size_t>(s.n), static_cast<size_t>(s.k),
                                        static_cast<size_t>(s.n), b, bias, post ? -kInf : epilogue.min,
                                        post ? kInf : epilogue.max, s.transpose_b ? 0 : XNN_FLAG_TRANSPOSE_WEIGHTS,
                                        &op),
      "xnn_create_fully_connected_nc_f32"));
  return std::unique_ptr<DenseF32>(std::make_unique<DenseF32Xnnpack>(s, epilogue, op, pool));
}

}  // namespace edgerun::kernels
