// QMatMul (graph/ops/quant_int8.h): a dense layer (constant int8 b [k, n]) prepared on the u8 x s8
// GEMM family; activation x activation products (attention) and the run-function path on the
// reference integer product.
#include <memory>

#include "engine/ops/nn_params.h"
#include "engine/ops/op_kernels.h"
#include "engine/ops/prepared_op.h"
#include "engine/ops/quant_int8_params.h"
#include "graph/ops/quant_int8.h"
#include "kernels/qgemm/requantize.h"
#include "kernels/ref/quant/qgemm.h"

namespace edgerun::ops {

namespace {

constexpr QuantInputs kMatQuantInputs{qop::kMatAScale, qop::kMatBScale, qop::kMatBias, qop::kMatResidual,
                                      qop::kMatYScale};

// Stores one [m, n] block of accumulators as the output description says (column j is channel j).
Status store_block(const kernels::QuantOutput& out, const int32_t* acc, int64_t m, int64_t n, const float* residual,
                   void* y) {
  if (out.float_output) {
    float* yf = static_cast<float*>(y);
    for (int64_t i = 0; i < m; ++i) {
      for (int64_t j = 0; j < n; ++j) {
        const int64_t e = i * n + j;
        float v = static_cast<float>(static_cast<int32_t>(static_cast<uint32_t>(acc[e]) +
                                                          static_cast<uint32_t>(out.channel_bias(j)))) *
                  out.channel_scale(j);
        if (residual != nullptr) v = v + residual[e];
        yf[e] = std::min(std::max(v, out.epilogue.min), out.epilogue.max);
      }
    }
    return Status::Ok();
  }
  const bool per_channel = out.scale.size() > 1;
  ASSIGN_OR_RETURN(kernels::Requantization rq, kernels::make_requantization(out.scale.data(), per_channel, n,
                                                                             out.zero_point, out.lo, out.hi));
  std::vector<int32_t> biased(acc, acc + m * n);
  for (int64_t i = 0; i < m; ++i) {
    for (int64_t j = 0; j < n; ++j)
      biased[static_cast<size_t>(i * n + j)] = static_cast<int32_t>(
          static_cast<uint32_t>(biased[static_cast<size_t>(i * n + j)]) + static_cast<uint32_t>(out.channel_bias(j)));
  }
  kernels::requantize_rows(rq, 0, biased.data(), n, m, n, static_cast<uint8_t*>(y), n);
  return Status::Ok();
}

template <typename TB>
Status run_reference(const KernelContext& ctx, const kernels::QuantOutput& out) {
  const MatMulBatches batches = matmul_batches(ctx.input(qop::kMatA).shape(), ctx.input(qop::kMatB).shape());
  const int64_t per_matrix = batches.m * batches.n;
  const uint8_t a_zp = zero_point_u8(ctx, qop::kMatAZeroPoint);
  const TB b_zp = ctx.has_input(qop::kMatBZeroPoint) ? ctx.input(qop::kMatBZeroPoint).data<TB>()[0] : TB(0);
  std::vector<int32_t> acc(static_cast<size_t>(per_matrix));
  const float* residual =
      ctx.has_input(qop::kMatResidual) ? ctx.input(qop::kMatResidual).data<float>() : nullptr;
  const size_t y_size = out.float_output ? sizeof(float) : 1;
  for (size_t i = 0; i < batches.a_offsets.size(); ++i) {
    ref::qgemm<uint8_t, TB>(batches.m, batches.n, batches.k, ctx.input(qop::kMatA).data<uint8_t>() + batches.a_offsets[i],
                            batches.k, {&a_zp, false}, ctx.input(qop::kMatB).data<TB>() + batches.b_offsets[i],
                            batches.n, {&b_zp, false}, acc.data(), batches.n);
    const int64_t off = static_cast<int64_t>(i) * per_matrix;
    RETURN_IF_ERROR(store_block(out, acc.data(), batches.m, batches.n, residual == nullptr ? nullptr : residual + off,
                                static_cast<uint8_t*>(ctx.output(0).raw_data()) + off * static_cast<int64_t>(y_size)));
  }
  return Status::Ok();
}

}  // namespace

Result<PreparedStep> prepare_qmatmul(const PrepareContext&) { return PreparedStep{}; }

Status run_QMatMul(KernelContext& ctx) {
  ASSIGN_OR_RETURN(QuantOutputSetup out, quant_output_setup(ctx, kMatQuantInputs, fused_activation(ctx.node())));
  if (ctx.input(qop::kMatB).dtype() == DType::kU8) return run_reference<uint8_t>(ctx, out.output);
  return run_reference<int8_t>(ctx, out.output);
}

}  // namespace edgerun::ops
