#include "tools/placement/cut_choice.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "operators/partition/paper_cuts.h"
#include "tools/serve/kserve_codec.h"

namespace edgerun {

namespace {

int64_t tensor_bytes(const std::vector<NamedTensor>& tensors) {
  int64_t bytes = 0;
  for (const NamedTensor& t : tensors) bytes += static_cast<int64_t>(t.tensor.byte_size());
  return bytes;
}

partition::LinkModel link_model(const LinkProfile& link) { return {link.bandwidth_mbit, link.rtt_ms}; }

}  // namespace

Result<std::vector<double>> profile_tier_steps(PlacementServers& servers, size_t tier,
                                               const std::vector<NamedTensor>& inputs, size_t num_steps, int runs) {
  std::vector<std::vector<double>> profiles;
  for (int r = 0; r <= runs; ++r) {  // run 0 warms up
    auto result = servers.infer_on(tier, inputs, num_steps, /*profile=*/true);
    if (!result.ok()) return result.status().with_context("profiling tier " + servers.placement().tiers[tier]);
    std::vector<double>& step_ms = result.value().timing.step_ms;
    if (step_ms.size() != num_steps) {
      return internal_error("tier " + servers.placement().tiers[tier] + " profiled " + std::to_string(step_ms.size()) +
                            " steps, the client's plan has " + std::to_string(num_steps) +
                            ": the tiers did not compile the same plan");
    }
    if (r > 0) profiles.push_back(std::move(step_ms));
  }
  return partition::mean_step_ms(profiles);
}

double measure_serialize_ms_per_byte() {
  // Large enough that the per-message JSON header is noise; the fastest of a few runs.
  constexpr int64_t kElements = int64_t{2} << 20;
  serve::InferRequest request;
  request.inputs.push_back({"x", Tensor::allocate(DType::kF32, {kElements}).value()});
  std::memset(request.inputs[0].tensor.raw_data(), 0, request.inputs[0].tensor.byte_size());
  serve::BinarySelection binary;
  binary.all = true;
  double best_ms = 0;
  size_t bytes = 0;
  for (int run = 0; run < 5; ++run) {
    const auto t0 = std::chrono::steady_clock::now();
    auto encoded = serve::encode_infer_request(request, binary);
    if (!encoded.ok()) return 0;
    auto decoded = serve::decode_infer_request(encoded.value().body, encoded.value().header_length, {});
    if (!decoded.ok()) return 0;
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    if (run == 0 || ms < best_ms) best_ms = ms;
    bytes = encoded.value().body.size();
  }
  return best_ms / static_cast<double>(bytes);
}

Result<CutPredictions> predict_cuts(PlacementServers& servers, const Plan& plan, const std::vector<NamedTensor>& inputs,
                                    int profile_runs) {
  if (!servers.placement().partitioned()) {
    return invalid_argument("placement " + servers.placement().name + " runs on one tier: it has no cut");
  }
  CutPredictions p;
  p.cuts = partition::enumerate_cuts(plan);
  const size_t n = plan.num_steps();
  ASSIGN_OR_RETURN(p.inputs.head_step_ms, profile_tier_steps(servers, 0, inputs, n, profile_runs));
  ASSIGN_OR_RETURN(p.inputs.tail_step_ms, profile_tier_steps(servers, 1, inputs, n, profile_runs));
  // Both ends of a hop run the same codec on network threads outside the tiers' CPU limits.
  p.inputs.overhead.ms_per_byte = measure_serialize_ms_per_byte();
  p.inputs.first_link = link_model(servers.profile(0).link);
  p.inputs.second_link = link_model(servers.profile(1).link);
  p.inputs.input_bytes = tensor_bytes(inputs);
  ASSIGN_OR_RETURN(partition::CutPoint outputs, partition::cut_at(plan, n));
  p.inputs.output_bytes = outputs.bytes;
  ASSIGN_OR_RETURN(p.costs, partition::predict_costs(p.cuts, p.inputs));
  ASSIGN_OR_RETURN(p.best, partition::choose_best(p.costs));
  return p;
}

Result<ChosenCut> choose_cut(const std::string& spec, PlacementServers& servers, const Plan& plan,
                             const std::string& zoo_model, const std::vector<NamedTensor>& inputs, int profile_runs) {
  ChosenCut chosen;
  if (spec == "paper") {
    if (zoo_model.empty()) return invalid_argument("--cut paper needs a zoo model; give --cut auto or a step index");
    ASSIGN_OR_RETURN(chosen.cut, partition::paper_cut(plan, zoo_model));
    chosen.how = "paper (the study's fixed point)";
    return chosen;
  }
  if (spec == "auto") {
    ASSIGN_OR_RETURN(CutPredictions p, predict_cuts(servers, plan, inputs, profile_runs));
    chosen.cut = p.cuts[p.best];
    char predicted[64];
    std::snprintf(predicted, sizeof(predicted), "%.2f", p.costs[p.best].total_ms);
    chosen.how = std::string("auto (cost model: predicted ") + predicted + " ms)";
    return chosen;
  }
  char* end = nullptr;
  const long step = std::strtol(spec.c_str(), &end, 10);
  if (spec.empty() || *end != '\0' || step < 0) {
    return invalid_argument("--cut must be paper, auto or a step index, got '" + spec + "'");
  }
  ASSIGN_OR_RETURN(chosen.cut, partition::cut_at(plan, static_cast<size_t>(step)));
  chosen.how = "step " + spec;
  return chosen;
}

}  // namespace edgerun
