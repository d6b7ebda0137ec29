#include "kernels/gemm/dense_ref.h"

#include <algorithm>

#include "kernels/ref/nn/gemm.h"

namespace edgerun::kernels {

namespace {

class DenseF32Ref final : public DenseF32 {
 public:
  DenseF32Ref(const DenseShape& shape, const float* b, const float* bias, const Epilogue& epilogue)
      : shape_(shape), epilogue_(epilogue), b_(b, b + shape.k * shape.n) {
    if (bias != nullptr) bias_.assign(bias, bias + shape.n);
  }

  // y starts as residual + bias and the product accumulates onto it, so a residual aliasing y works.
  void run(const float* a, const float* residual, float* y, void*) const override {
    const int64_t size = shape_.m * shape_.n;
    if (!epilogue_.residual) {
      std::fill_n(y, size, 0.0f);
    } else if (residual != y) {
      std::copy(residual, residual + size, y);
    }
    for (int64_t i = 0; i < size && !bias_.empty(); ++i) y[i] += bias_[static_cast<size_t>(i % shape_.n)];
    ref::GemmParams<float> p;
    p.m = shape_.m;
    p.n = shape_.n;
    p.k = shape_.k;
    p.trans_b = shape_.transpose_b;
    p.lda = shape_.k;
    p.ldb = shape_.transpose_b ? shape_.k : shape_.n;
    p.ldc = shape_.n;
    p.beta = 1.0f;
    ref::gemm(p, a, b_.data(), y);
    for (int64_t i = 0; i < size; ++i) y[i] = std::min(std::max(y[i], epilogue_.min), epilogue_.max);
  }

 private:
  DenseShape shape_;
  Epilogue epilogue_;
  std::vector<float> b_, bias_;
};

}  // namespace

Result<std::unique_ptr<DenseF32>> create_dense_f32_ref(const DenseShape& shape, const float* b, const float* bias,
                                                       const Epilogue& epilogue) {
  return std::unique_ptr<DenseF32>(std::make_unique<DenseF32Ref>(shape, b, bias, epilogue));
}

}  // namespace edgerun::kernels
