#include "kernels/qgemm/qgemm_ref.h"

#include "kernels/qgemm/quant_store.h"
#include "kernels/ref/quant/qgemm.h"

namespace edgerun::kernels {

namespace {

class QGemmRef final : public QGemmU8S8 {
 public:
  QGemmRef(const QGemmShape& shape, const int8_t* b, uint8_t a_zp, QuantStore store)
      : s_(shape), b_(b, b + s_.k * s_.n), a_zp_(a_zp), store_(std::move(store)) {}

  void run_s32(const uint8_t* a, int32_t* y, void* /*scratch*/) const override {
    ref::qgemm<uint8_t, int8_t>(s_.m, s_.n, s_.k, a, s_.k, ref::ZeroPoints<uint8_t>{&a_zp_, false}, b_.data(), s_.n,
                                ref::ZeroPoints<int8_t>{}, y, s_.n);
    for (int64_t i = 0; i < s_.m; ++i) {
      for (int64_t j = 0; j < s_.n; ++j) {
        // Wrapping, as the int32 accumulators of the kernels.
        y[i * s_.n + j] = static_cast<int32_t>(static_cast<uint32_t>(y[i * s_.n + j]) +
                                               static_cast<uint32_t>(store_.bias()[static_cast<size_t>(j)]));
      }
    }
  }

  void run(const uint8_t* a, const float* residual, void* y, void* scratch) const override {
    int32_t* acc = static_cast<int32_t*>(scratch);
    run_s32(a, acc, nullptr);
    store_.store({}, 0, acc, s_.n, s_.m, s_.n, residual, y, s_.n);
  }

  size_t scratch_bytes() const override { return static_cast<size_t>(s_.m * s_.n) * sizeof(int32_t); }

 private:
  QGemmShape s_;
  std::vector<int8_t> b_;
  uint8_t a_zp_;
  QuantStore store_;
};

}  // namespace

Result<std::unique_ptr<QGemmU8S8>> create_qgemm_u8s8_ref(const QGemmShape& shape, const int8_t* b,
                                                         uint8_t a_zero_point, const QuantOutput& out) {
  ASSIGN_OR_RETURN(QuantStore store, QuantStore::make(out, shape.n));
  return std::unique_ptr<QGemmU8S8>(std::make_unique<QGemmRef>(shape, b, a_zero_point, std::move(store)));
}

}  // namespace edgerun::kernels
