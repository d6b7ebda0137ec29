#include "kernels/qgemm/quant_store.h"

#include <cmath>
#include <string>

namespace edgerun::kernels {

Result<QuantStore> QuantStore::make(const QuantOutput& out, int64_t n) {
  const size_t columns = static_cast<size_t>(n);
  if (out.scale.size() != 1 && out.scale.size() != columns) {
    return invalid_argument("quantized output: " + std::to_string(out.scale.size()) + " scales for " +
                            std::to_string(n) + " columns");
  }
  if (!out.bias.empty() && out.bias.size() != columns) {
    return invalid_argument("quantized output: " + std::to_string(out.bias.size()) + " biases for " +
                            std::to_string(n) + " columns");
  }
  QuantStore s;
  s.float_output_ = out.float_output;
  s.residual_ = out.float_output && out.epilogue.residual;
  s.bias_ = out.bias.empty() ? std::vector<int32_t>(columns, 0) : out.bias;
  if (!out.float_output) {
    ASSIGN_OR_RETURN(s.requant_, make_requantization(out.scale.data(), out.scale.size() != 1, n, out.zero_point,
                                                     out.lo, out.hi));
    return s;
  }
  if (!(out.epilogue.min <= out.epilogue.max)) return invalid_argument("quantized output: float clamp with min > max");
  for (int64_t j = 0; j < n; ++j) {
    const float scale = out.channel_scale(j);
    if (!std::isfinite(scale)) return invalid_argument("quantized output: scale is not finite");
    s.scale_.push_back(scale);
  }
  s.min_ = out.epilogue.min;
  s.max_ = out.epilogue.max;
  return s;
}

void QuantStore::store(const x86::QOutputUkernels& ukernels, int64_t j0, const int32_t* acc, int64_t ld_acc,
                       int64_t rows, int64_t cols, const float* residual, void* y, int64_t ldy) const {
  if (!float_output_) {
    uint8_t* y8 = static_cast<uint8_t*>(y);
    if (ukernels.requantize == nullptr) {
      requantize_rows(requant_, j0, acc, ld_acc, rows, cols, y8, ldy);
      return;
    }
    x86::QRequantParams p;
    p.acc = acc;
    p.ld_acc = ld_acc;
    p.rows = rows;
    p.cols = cols;
    p.multiplier = requant_.multiplier.data() + j0;
    p.shift = requant_.shift.data() + j0;
    p.zero_point = requant_.zero_point;
    p.lo = requant_.lo;
    p.hi = requant_.hi;
    p.y = y8;
    p.ldy = ldy;
    ukernels.requantize(p);
    return;
  }
  float* yf = static_cast<float*>(y);
  const float* r = residual_ ? residual : nullptr;
  if (ukernels.float_out == nullptr) {
    for (int64_t i = 0; i < rows; ++i) {
      for (int64_t j = 0; j < cols; ++j) {
        // Product, then sum, each rounded (baseline x86-64 has no FMA to contract into).
        float v = static_cast<float>(acc[i * ld_acc + j]) * scale_[static_cast<size_t>(j0 + j)];
        if (r != nullptr) v += r[i * ldy + j];
        v = v > min_ ? v : min_;
        yf[i * ldy + j] = v < max_ ? v : max_;
      }
    }
    return;
  }
  x86::QFloatOutParams p;
  p.acc = acc;
  p.ld_acc = ld_acc;
  p.rows = rows;
  p.cols = cols;
  p.scale = scale_.data() + j0;
  p.residual = r;
  p.ld_residual = ldy;
  p.min = min_;
  p.max = max_;
  p.y = yf;
  p.ldy = ldy;
  ukernels.float_out(p);
}

}  // namespace edgerun::kernels
