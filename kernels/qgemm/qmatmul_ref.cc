#include "kernels/qgemm/qmatmul_ref.h"

#include <string>

#include "kernels/qgemm/quant_store.h"

namespace edgerun::kernels {

namespace {

template <typename TB>
class QMatMulRef final : public QMatMul {
 public:
  QMatMulRef(const QMatMulShape& shape, uint8_t a_zp, int32_t b_zp, QuantStore store)
      : s_(shape), a_zp_(a_zp), b_zp_(b_zp), store_(std::move(store)) {}

  void run_s32(const QMatMulArgs& args) const override {
    int32_t* y = static_cast<int32_t*>(args.y);
    for (int64_t b = 0; b < s_.batch; ++b) accumulate(args, b, y + b * s_.m * s_.n);
  }

  void run(const QMatMulArgs& args) const override {
    int32_t* acc = static_cast<int32_t*>(args.scratch);
    const int64_t size = s_.m * s_.n;
    for (int64_t b = 0; b < s_.batch; ++b) {
      accumulate(args, b, acc);
      const float* residual = args.residual == nullptr ? nullptr : args.residual + b * size;
      void* y = store_.float_output() ? static_cast<void*>(static_cast<float*>(args.y) + b * size)
                                      : static_cast<void*>(static_cast<uint8_t*>(args.y) + b * size);
      store_.store({}, 0, acc, s_.n, s_.m, s_.n, residual, y, s_.n);
    }
  }

  size_t scratch_bytes() const override { return static_cast<size_t>(s_.m * s_.n) * sizeof(int32_t); }

 private:
  // acc [m, n] of batch item b: sum_k (a - a_zp) * (b - b_zp) + bias, in wrapping 32-bit arithmetic.
  void accumulate(const QMatMulArgs& args, int64_t batch, int32_t* acc) const {
    const uint8_t* a = args.a + batch * args.a_batch_stride;
    const TB* b = static_cast<const TB*>(args.b) + batch * args.b_batch_stride;
    for (int64_t i = 0; i < s_.m; ++i) {
      for (int64_t j = 0; j < s_.n; ++j) {
        uint32_t sum = static_cast<uint32_t>(store_.bias()[static_cast<size_t>(j)]);
        for (int64_t p = 0; p < s_.k; ++p) {
          const int32_t bv = b[s_.b_transposed ? j * args.b_row_stride + p : p * args.b_row_stride + j];
          sum += static_cast<uint32_t>(a[i * args.a_row_stride + p] - a_zp_) * static_cast<uint32_t>(bv - b_zp_);
        }
        acc[i * s_.n + j] = static_cast<int32_t>(sum);
      }
    }
  }

  QMatMulShape s_;
  int32_t a_zp_, b_zp_;
  QuantStore store_;
};

}  // namespace

Status check_qmatmul_zero_point(const QMatMulShape& shape, int32_t b_zero_point) {
  const int32_t lo = shape.b_signed ? -128 : 0, hi = shape.b_signed ? 127 : 255;
  if (b_zero_point < lo || b_zero_point > hi) {
    return invalid_argument("qmatmul: B zero point " + std::to_string(b_zero_point) + " is out of B's range");
  }
  return Status::Ok();
}

Result<std::unique_ptr<QMatMul>> create_qmatmul_ref(const QMatMulShape& shape, uint8_t a_zero_point,
                                                    int32_t b_zero_point, const QuantOutput& out) {
  RETURN_IF_ERROR(check_qmatmul_zero_point(shape, b_zero_point));
  ASSIGN_OR_RETURN(QuantStore store, QuantStore::make(out, shape.n));
  if (shape.b_signed) {
    return std::unique_ptr<QMatMul>(
        std::make_unique<QMatMulRef<int8_t>>(shape, a_zero_point, b_zero_point, std::move(store)));
  }
  return std::unique_ptr<QMatMul>(
      std::make_unique<QMatMulRef<uint8_t>>(shape, a_zero_point, b_zero_point, std::move(store)));
}

}  // namespace edgerun::kernels
