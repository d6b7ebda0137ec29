#include "tests/placement/load_support.h"

#include <algorithm>
#include <cstring>

#include "tools/common/model_inputs.h"

namespace edgerun {

Result<ServedProcess> start_served(const std::string& model, const std::string& name,
                                   const std::vector<std::string>& server_args) {
  TierProcessOptions options;
  options.tier = name;
  options.server_args = {"--model", model, "--name", name};
  options.server_args.insert(options.server_args.end(), server_args.begin(), server_args.end());
  options.server_path = EDGERUN_SERVE_BINARY;
  ServedProcess served;
  ASSIGN_OR_RETURN(served.process, TierProcess::start(options));
  served.endpoint = {"127.0.0.1", served.process->port(), name};
  RETURN_IF_ERROR(serve::wait_ready(served.endpoint, 30));
  return served;
}

Result<Cases> make_cases(Session& session, int n) {
  Cases cases;
  for (uint32_t seed = 1; seed <= static_cast<uint32_t>(n); ++seed) {
    ASSIGN_OR_RETURN(std::vector<NamedTensor> inputs, make_random_inputs(session, seed));
    std::vector<NamedTensor> outputs;
    RETURN_IF_ERROR(session.run(inputs, &outputs));
    for (const auto& earlier : cases.expected) {
      if (same_bits(earlier, outputs))
        return invalid_argument("inputs of seed " + std::to_string(seed) +
                                " and an earlier seed give the same outputs");
    }
    cases.inputs.push_back(std::move(inputs));
    cases.expected.push_back(std::move(outputs));
  }
  return cases;
}

bool same_bits(const std::vector<NamedTensor>& a, const std::vector<NamedTensor>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    const Tensor& x = a[i].tensor;
    const Tensor& y = b[i].tensor;
    if (a[i].name != b[i].name || x.dtype() != y.dtype() || x.shape() != y.shape() ||
        std::memcmp(x.raw_data(), y.raw_data(), x.byte_size()) != 0) {
      return false;
    }
  }
  return true;
}

double percentile(const std::vector<double>& sorted, double q) {
  const auto rank = static_cast<size_t>(q * static_cast<double>(sorted.size() - 1) + 0.5);
  return sorted[std::min(rank, sorted.size() - 1)];
}

}  // namespace edgerun
