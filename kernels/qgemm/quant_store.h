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
  // Errors: those of expand_quant_output (kernels/qgemm/quant_output.h).
  static Result<QuantStore> make(const QuantOutput& out, int64_t n);

  bool float_output() const { return t_.float_output; }
  bool residual() const { return t_.float_output && t_.epilogue.residual; }
  const std::vector<int32_t>& bias() const { return t_.bias; }  // [n], zeros when none

  // The accumulators acc [rows x cols, leading dimension ld_acc] of columns j0.. into y (uint8 or
  // float as the output mode; leading dimension ldy), adding residual (same layout as y; float output
  // with a residual only).
  void store(const x86::QOutputUkernels& ukernels, int64_t j0, const int32_t* acc, int64_t ld_acc, int64_t rows,
             int64_t cols, const float* residual, void* y, int64_t ldy) const;

 private:
  QuantOutputTables t_;
};

}  // namespace edgerun::kernels
