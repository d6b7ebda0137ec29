#include "engine/ops/early_exit.h"

#include <algorithm>
#include <cstring>

#include "engine/ops/op_kernels.h"
#include "graph/ops/early_exit.h"
#include "kernels/ref/nn/exit_confidence.h"
#include "kernels/ref/tensor/resize.h"

namespace edgerun::ops {

namespace {

// Whether a sample not yet taken takes this exit.
struct ExitDecision {
  enum class Kind { kAll, kNone, kByScore } kind;
  ref::ExitRule rule = ref::ExitRule::kMaxProb;
  float threshold = 0;
};

Result<ExitDecision> decide(const KernelContext& ctx, const ExitPolicy& policy) {
  const int index = static_cast<int>(ctx.attrs().get_int(early_exit_attr::kExitIndex, 0));
  const std::string rule = ctx.attrs().get_string(early_exit_attr::kRule, "");
  if (rule == early_exit_attr::kAlways) return ExitDecision{ExitDecision::Kind::kAll};
  switch (policy.kind) {
    case ExitPolicy::Kind::kNever: return ExitDecision{ExitDecision::Kind::kNone};
    case ExitPolicy::Kind::kForce:
      return ExitDecision{index == policy.exit ? ExitDecision::Kind::kAll : ExitDecision::Kind::kNone};
    case ExitPolicy::Kind::kThresholds: break;
  }
  ref::ExitRule parsed;
  if (!ref::parse_exit_rule(rule, &parsed)) return ctx.error("unknown exit rule '" + rule + "'");
  return ExitDecision{ExitDecision::Kind::kByScore, parsed,
                      ctx.attrs().get_float(early_exit_attr::kThreshold, ref::never_threshold(parsed))};
}

}  // namespace

Status run_early_exit(KernelContext& ctx, const ExitPolicy& policy) {
  ASSIGN_OR_RETURN(ExitDecision decision, decide(ctx, policy));
  const Tensor& logits = ctx.input(0);
  Tensor& merged = ctx.output(0);
  int64_t* taken = ctx.output(1).data<int64_t>();
  const int64_t n = logits.shape()[0], classes = logits.shape()[1];
  const int64_t in_row = n == 0 ? 0 : logits.num_elements() / n, out_row = n == 0 ? 0 : merged.num_elements() / n;
  const int64_t positions = classes == 0 ? 0 : in_row / classes;
  const int index = static_cast<int>(ctx.attrs().get_int(early_exit_attr::kExitIndex, 0));
  const bool chained = ctx.has_input(1);
  // One sample's low-resolution logits to its merged row (the Resize op's bilinear half_pixel kernel).
  ref::ResizeParams upsample;
  if (ctx.attrs().has(early_exit_attr::kUpsample)) {
    const Shape& in = logits.shape();
    const Shape& out = merged.shape();
    upsample.in_shape = {1, in[1], in[2], in[3]};
    upsample.out_shape = {1, out[1], out[2], out[3]};
    upsample.scales = {1, 1, static_cast<double>(out[2]) / static_cast<double>(in[2]),
                       static_cast<double>(out[3]) / static_cast<double>(in[3])};
    upsample.mode = ref::ResizeMode::kLinear;
    upsample.coord = ref::ResizeCoord::kHalfPixel;
  }
  for (int64_t s = 0; s < n; ++s) {
    const float* row = logits.data<float>() + s * in_row;
    float* out = merged.data<float>() + s * out_row;
    const int64_t before = chained ? ctx.input(2).data<int64_t>()[s] : -1;
    if (before >= 0) {  // taken earlier: keep its row
      const float* kept = ctx.input(1).data<float>() + s * out_row;
      if (out != kept) std::memcpy(out, kept, static_cast<size_t>(out_row) * sizeof(float));
      taken[s] = before;
      continue;
    }
    bool take = decision.kind == ExitDecision::Kind::kAll;
    if (decision.kind == ExitDecision::Kind::kByScore) {
      take = ref::is_confident(ref::exit_score(row, classes, positions, decision.rule), decision.threshold,
                               decision.rule);
    }
    taken[s] = take ? index : -1;
    // A row not taken is left as it is: a later exit writes it.
    if (!take) continue;
    if (upsample.in_shape.empty()) {
      std::memcpy(out, row, static_cast<size_t>(in_row) * sizeof(float));
    } else {
      ref::resize_interpolate<float>(upsample, row, out);
    }
  }
  return Status::Ok();
}

bool all_samples_exited(const Tensor& taken) {
  const int64_t* t = taken.data<int64_t>();
  return std::all_of(t, t + taken.num_elements(), [](int64_t e) { return e >= 0; });
}

Status run_EarlyExit(KernelContext& ctx) { return run_early_exit(ctx, ExitPolicy{}); }

}  // namespace edgerun::ops
