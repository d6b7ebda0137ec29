#include "tools/common/limit_options.h"

#include <cmath>
#include <cstdio>
#include <string>

namespace edgerun {

void add_model_limit_options(CLI::App& app, ModelLimits& limits) {
  app.add_option_function<double>(
         "--max-model-mb",
         [&limits](double mib) { limits.max_model_bytes = static_cast<uint64_t>(std::ceil(mib * (1 << 20))); },
         "refuse model files larger than this (MiB)")
      ->check(CLI::PositiveNumber)
      ->default_str(std::to_string(limits.max_model_bytes >> 20));
  app.add_option("--max-nodes", limits.max_nodes, "refuse graphs with more nodes")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--max-rank", limits.max_rank, "refuse tensors of more dimensions")
      ->check(CLI::Range(int64_t{1}, int64_t{64}))
      ->capture_default_str();
  app.add_option("--max-tensor-elements", limits.max_tensor_elements, "refuse tensors of more elements")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
}

std::vector<std::string> model_limit_args(const ModelLimits& limits) {
  const ModelLimits defaults;
  std::vector<std::string> args;
  if (limits.max_model_bytes != defaults.max_model_bytes) {
    char mib[64];  // exact enough that the ceil above gives back the same bytes
    std::snprintf(mib, sizeof(mib), "%.17g", static_cast<double>(limits.max_model_bytes) / (1 << 20));
    args.insert(args.end(), {"--max-model-mb", mib});
  }
  if (limits.max_nodes != defaults.max_nodes) args.insert(args.end(), {"--max-nodes", std::to_string(limits.max_nodes)});
  if (limits.max_rank != defaults.max_rank) args.insert(args.end(), {"--max-rank", std::to_string(limits.max_rank)});
  if (limits.max_tensor_elements != defaults.max_tensor_elements) {
    args.insert(args.end(), {"--max-tensor-elements", std::to_string(limits.max_tensor_elements)});
  }
  return args;
}

}  // namespace edgerun
