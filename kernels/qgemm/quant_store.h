// The output stage of the INT8 GEMMs (qgemm, qmatmul): a QuantOutput checked and expanded to one
// scale per column, then storing tiles of int32 accumulators (bias already added) as uint8 or float,
// through an ISA's output microkernels or the scalar reference code (bit for bit the same).
#pragma once

#include <cstdint>
#include <vector>

#include "graph/status.h"
#include "kernels/qgemm/quant_output.h"
#include "kernels/qgemm/requantize.h"
#include "kernels/x86/qgemm/qs8_gemm.h"

namespace edgerun::kernels {

class QuantStore {
 public:
  QuantStore() = default;
  // Errors: scale not of 1 or n values, bias not of 0 or n, a uint8 scale out of range (see
  // quantize_multiplier), lo > hi, a float scale not finite, float min > max.
  static Result<QuantStore> make(const QuantOutput& out, int64_t n);

  bool float_output() const { return float_output_; }
  bool residual() const { return residual_; }
  const std::vector<int32_t>& bias() const { return bias_; }  // [n], zeros when none

  // The accumulators acc [rows x cols, leading dimension ld_acc] of columns j0.. into y (uint8 or
  // float as the output mode; leading dimension ldy), adding residual (same layout as y; float output
  // with a residual only).
  void store(const x86::QOutputUkernels& ukernels, int64_t j0, const int32_t* acc, int64_t ld_acc, int64_t rows,
             int64_t cols, const float* residual, void* y, int64_t ldy) const;

 private:
  bool float_output_ = false, residual_ = false;
  std::vector<int32_t> bias_;
  Requantization requant_;    // uint8 output
  std::vector<float> scale_;  // float output: [n]
  float min_ = 0, max_ = 0;
};

}  // namespace edgerun::kernels
