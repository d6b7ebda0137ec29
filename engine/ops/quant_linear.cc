// Run functions of ConvInteger, MatMulInteger, QLinearConv and QLinearMatMul: an exact int32
// product (ref::conv_integer / ref::qgemm), then for the QLinear ops ref::requantize.
#include "engine/ops/nn_params.h"
#include "engine/ops/op_kernels.h"
#include "kernels/ref/quant/conv_integer.h"
#include "kernels/ref/quant/qgemm.h"
#include "kernels/ref/quant/quantize.h"

namespace edgerun::ops {

namespace {
// Calls fn(TA{}, TB{}) with the element types of 8-bit inputs a and b.
template <typename Fn>
Status dispatch_8bit_pair(const KernelContext& ctx, DType a, DType b, Fn&& fn) {
  const bool a_u8 = a == DType::kU8, b_u8 = b == DType::kU8;
  if ((!a_u8 && a != DType::kI8) || (!b_u8 && b != DType::kI8)) return unsupported_type(ctx, a_u8 ? b : a);
  if (a_u8) return b_u8 ? fn(uint8_t{}, uint8_t{}) : fn(uint8_t{}, int8_t{});
  return b_u8 ? fn(int8_t{}, uint8_t{}) : fn(int8_t{}, int8_t{});
}

// Calls fn(TQ{}) with the element type of an 8-bit output.
template <typename Fn>
Status dispatch_8bit(const KernelContext& ctx, DType t, Fn&& fn) {
  if (t == DType::kU8) return fn(uint8_t{});
  if (t == DType::kI8) return fn(int8_t{});
  return unsupported_type(ctx, t);
}

// Optional zero point input i: per tensor, or per channel when it has several values.
template <typename T>
ref::ZeroPoints<T> zero_points(const KernelContext& ctx, size_t i) {
  if (!ctx.has_input(i)) return {};
  return {ctx.input(i).data<T>(), ctx.input(i).num_elements() > 1};
}

template <typename TX, typename TW>
void conv_integer_into(const KernelContext& ctx, const ref::ConvParams& p, size_t x, size_t x_zp, size_t w,
                       size_t w_zp, int32_t* y) {
  const TX x_zero = ctx.has_input(x_zp) ? *ctx.input(x_zp).data<TX>() : TX(0);
  std::vector<TX> workspace(static_cast<size_t>(ref::conv_integer_workspace_size(p)));
  ref::conv_integer<TX, TW>(p, ctx.input(x).data<TX>(), x_zero, ctx.input(w).data<TW>(), zero_points<TW>(ctx, w_zp),
                            y, workspace.data());
}

template <typename TA, typename TB>
void matmul_integer_into(const KernelContext& ctx, size_t a, size_t a_zp, size_t b, size_t b_zp, int32_t* y,
                         const MatMulBatches& batches) {
  for (size_t i = 0; i < batches.a_offsets.size(); ++i) {
    ref::qgemm<TA, TB>(batches.m, batches.n, batches.k, ctx.input(a).data<TA>() + batches.a_offsets[i], batches.k,
                       zero_points<TA>(ctx, a_zp), ctx.input(b).data<TB>() + batches.b_offsets[i], batches.n,
                       zero_points<TB>(ctx, b_zp), y + static_cast<int64_t>(i) * batches.m * batches.n, batches.n);
  }
}

// Scale input i as requantize's row or column scale.
void set_scale(const KernelContext& ctx, size_t i, const float** scale, bool* per_index) {
  *scale = ctx.input(i).data<float>();
  *per_index = ctx.input(i).num_elements() > 1;
}

int32_t zero_point_value(const KernelContext& ctx, size_t i) {
  return ctx.has_input(i) ? static_cast<int32_t>(ctx.input(i).as_int64(0)) : 0;
}
}  // namespace

Status run_ConvInteger(KernelContext& ctx) {
  ASSIGN_OR_RETURN(ref::ConvParams p, conv_params(ctx, 0, 1, false));
  return dispatch_8bit_pair(ctx, ctx.input(0).dtype(), ctx.input(1).dtype(), [&](auto tx, auto tw) {
    conv_integer_into<decltype(tx), decltype(tw)>(ctx, p, 0, 2, 1, 3, ctx.output(0).data<int32_t>());
    return Status::Ok();
  });
}

Status run_MatMulInteger(KernelContext& ctx) {
  const MatMulBatches batches = matmul_batches(ctx.input(0).shape(), ctx.input(1).shape());
  return dispatch_8bit_pair(ctx, ctx.input(0).dtype(), ctx.input(1).dtype(), [&](auto ta, auto tb) {
    matmul_integer_into<decltype(ta), decltype(tb)>(ctx, 0, 2, 1, 3, ctx.output(0).data<int32_t>(), batches);
    return Status::Ok();
  });
}

Status run_QLinearConv(KernelContext& ctx) {
  ASSIGN_OR_RETURN(ref::ConvParams p, conv_params(ctx, 0, 3, false));
  const int64_t plane = p.patch.grid_size();
  std::vector<int32_t> acc(static_cast<size_t>(p.batch * p.out_channels * plane));
  RETURN_IF_ERROR(dispatch_8bit_pair(ctx, ctx.input(0).dtype(), ctx.input(3).dtype(), [&](auto tx, auto tw) {
    conv_integer_into<decltype(tx), decltype(tw)>(ctx, p, 0, 2, 3, 5, acc.data());
    return Status::Ok();
  }));
  ref::RequantizeParams rq;
  rq.rows = p.out_channels;
  rq.cols = plane;
  set_scale(ctx, 4, &rq.row_scale, &rq.row_scale_per_row);
  set_scale(ctx, 1, &rq.col_scale, &rq.col_scale_per_col);
  rq.row_bias = ctx.has_input(8) ? ctx.input(8).data<int32_t>() : nullptr;
  rq.out_scale = *ctx.input(6).data<float>();
  rq.zero_point = zero_point_value(ctx, 7);
  return dispatch_8bit(ctx, ctx.output(0).dtype(), [&](auto tq) {
    using TQ = decltype(tq);
    const int64_t per_image = p.out_channels * plane;
    for (int64_t n = 0; n < p.batch; ++n) {
      ref::requantize<TQ>(rq, acc.data() + n * per_image, ctx.output(0).data<TQ>() + n * per_image);
    }
    return Status::Ok();
  });
}

Status run_QLinearMatMul(KernelContext& ctx) {
  const MatMulBatches batches = matmul_batches(ctx.input(0).shape(), ctx.input(3).shape());
  const int64_t per_matrix = batches.m * batches.n;
  std::vector<int32_t> acc(batches.a_offsets.size() * static_cast<size_t>(per_matrix));
  RETURN_IF_ERROR(dispatch_8bit_pair(ctx, ctx.input(0).dtype(), ctx.input(3).dtype(), [&](auto ta, auto tb) {
    matmul_integer_into<decltype(ta), decltype(tb)>(ctx, 0, 2, 3, 5, acc.data(), batches);
    return Status::Ok();
  }));
  ref::RequantizeParams rq;
  rq.rows = batches.m;
  rq.cols = batches.n;
  set_scale(ctx, 1, &rq.row_scale, &rq.row_scale_per_row);
  set_scale(ctx, 4, &rq.col_scale, &rq.col_scale_per_col);
  rq.out_scale = *ctx.input(6).data<float>();
  rq.zero_point = zero_point_value(ctx, 7);
  return dispatch_8bit(ctx, ctx.output(0).dtype(), [&](auto tq) {
    using TQ = decltype(tq);
    for (size_t i = 0; i < batches.a_offsets.size(); ++i) {
      const int64_t off = static_cast<int64_t>(i) * per_matrix;
      ref::requantize<TQ>(rq, acc.data() + off, ctx.output(0).data<TQ>() + off);
    }
    return Status::Ok();
  });
}

}  // namespace edgerun::ops
