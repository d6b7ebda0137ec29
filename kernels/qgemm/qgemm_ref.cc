#include "kernels/qgemm/qgemm_ref.h"

#include "kernels/ref/quant/qgemm.h"

namespace edgerun::kernels {

namespace {

class QGemmRef final : public QGemmU8S8 {
 public:
  QGemmRef(const QGemmShape& shape, const int8_t* b, const int32_t* bias, uint8_t a_zp, Requantization requant)
      : s_(shape), b_(b, b + s_.k * s_.n), a_zp_(a_zp), requant_(std::move(requant)) {
    if (bias != nullptr) bias_.assign(bias, bias + s_.n);
  }

  void run_s32(const uint8_t* a, int32_t* y, void* /*scratch*/) const override {
    ref::qgemm<uint8_t, int8_t>(s_.m, s_.n, s_.k, a, s_.k, ref::ZeroPoints<uint8_t>{&a_zp_, false}, b_.data(), s_.n,
                                ref::ZeroPoints<int8_t>{}, y, s_.n);
    if (bias_.empty()) return;
    for (int64_t i = 0; i < s_.m; ++i) {
      for (int64_t j = 0; j < s_.n; ++j) {
        // Wrapping, as the int32 accumulators of the kernels.
        y[i * s_.n + j] = static_cast<int32_t>(static_cast<uint32_t>(y[i * s_.n + j]) +
                                               static_cast<uint32_t>(bias_[static_cast<size_t>(j)]));
      }
    }
  }

  void run(const uint8_t* a, uint8_t* y, void* scratch) const override {
    int32_t* acc = static_cast<int32_t*>(scratch);
    run_s32(a, acc, nullptr);
    requantize_rows(requant_, 0, acc, s_.n, s_.m, s_.n, y, s_.n);
  }

  size_t scratch_bytes() const override { return static_cast<size_t>(s_.m * s_.n) * sizeof(int32_t); }

 private:
  QGemmShape s_;
  std::vector<int8_t> b_;
  std::vector<int32_t> bias_;
  uint8_t a_zp_;
  Requantization requant_;
};

}  // namespace

Result<std::unique_ptr<QGemmU8S8>> create_qgemm_u8s8_ref(const QGemmShape& shape, const int8_t* b, const int32_t* bias,
                                                         const QGemmQuant& quant) {
  ASSIGN_OR_RETURN(Requantization requant, make_requantization(quant.scale, quant.per_channel, shape.n,
                                                               quant.y_zero_point, quant.y_min, quant.y_max));
  return std::unique_ptr<QGemmU8S8>(std::make_unique<QGemmRef>(shape, b, bias, quant.a_zero_point, std::move(requant)));
}

}  // namespace edgerun::kernels
