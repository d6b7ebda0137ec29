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

  void run(const float* a, const float* residual, float* y, void*) const override {
    ref::GemmParams<float> p;
    p.m = shape_.m;
    p.n = shape_.n;
    p.k = shape_.k;
    p.trans_b = shape_.transpose_b;
    p.lda = shape_.k;
    p.ldb = shape_.transpose_b ? shape_.k : shape_.n;
    p.ldc = shape_.n;
    ref::gemm(p, a, b_.data(), y);
    for (int64_t i = 0; i < shape_.m; ++i) {
      for (int64_t j = 0; j < shape_.n; ++j) {
        const int64_t at = i * shape_.n + j;
        float v = y[at] + (bias_.empty() ? 0.0f : bias_[static_cast<size_t>(j)]);
        if (epilogue_.residual) v += residual[at];
        y[at] = std::min(std::max(v, epilogue_.min), epilogue_.max);
      }
    }
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
