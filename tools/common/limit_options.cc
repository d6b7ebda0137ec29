#include "tools/common/limit_options.h"

#include <cmath>
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

}  // namespace edgerun
