#include "kernels/qgemm/quant_store.h"

namespace edgerun::kernels {

Result<QuantStore> QuantStore::make(const QuantOutput& out, int64_t n) {
  QuantStore s;
  ASSIGN_OR_RETURN(s.t_, expand_quant_output(out, n, "quantized output"));
  return s;
}

void QuantStore::store(const x86::QOutputUkernels& ukernels, int64_t j0, const int32_t* acc, int64_t ld_acc,
                       int64_t rows, int64_t cols, const float* residual, void* y, int64_t ldy) const {
  if (!t_.float_output) {
    uint8_t* y8 = static_cast<uint8_t*>(y);
    if (ukernels.requantize == nullptr) {
      requantize_rows(t_.requant, j0, acc, ld_acc, rows, cols, y8, ldy);
      return;
    }
    x86::QRequantParams p;
    p.acc = acc;
    p.ld_acc = ld_acc;
    p.rows = rows;
    p.cols = cols;
    p.multiplier = t_.requant.multiplier.data() + j0;
    p.shift = t_.requant.shift.data() + j0;
    p.zero_point = t_.requant.zero_point;
    p.lo = t_.requant.lo;
    p.hi = t_.requant.hi;
    p.y = y8;
    p.ldy = ldy;
    ukernels.requantize(p);
    return;
  }
  float* yf = static_cast<float*>(y);
  const float* r = t_.epilogue.residual ? residual : nullptr;
  const float min = t_.epilogue.min, max = t_.epilogue.max;
  if (ukernels.float_out == nullptr) {
    for (int64_t i = 0; i < rows; ++i) {
      for (int64_t j = 0; j < cols; ++j) {
        // Product, then sum, each rounded (baseline x86-64 has no FMA to contract into).
        float v = static_cast<float>(acc[i * ld_acc + j]) * t_.scale[static_cast<size_t>(j0 + j)];
        if (r != nullptr) v += r[i * ldy + j];
        v = v > min ? v : min;
        yf[i * ldy + j] = v < max ? v : max;
      }
    }
    return;
  }
  x86::QFloatOutParams p;
  p.acc = acc;
  p.ld_acc = ld_acc;
  p.rows = rows;
  p.cols = cols;
  p.scale = t_.scale.data() + j0;
  p.residual = r;
  p.ld_residual = ldy;
  p.min = min;
  p.max = max;
  p.y = yf;
  p.ldy = ldy;
  ukernels.float_out(p);
}

}  // namespace edgerun::kernels
