#include "kernels/qgemm/quant_output.h"

#include <cmath>
#include <string>

namespace edgerun::kernels {

Result<QuantOutputTables> expand_quant_output(const QuantOutput& out, int64_t channels, const char* who) {
  const auto n = static_cast<size_t>(channels);
  const std::string prefix = std::string(who) + ": ";
  if (out.scale.size() != 1 && out.scale.size() != n) {
    return invalid_argument(prefix + std::to_string(out.scale.size()) + " scales for " + std::to_string(channels) +
                            " channels");
  }
  if (!out.bias.empty() && out.bias.size() != n) {
    return invalid_argument(prefix + std::to_string(out.bias.size()) + " biases for " + std::to_string(channels) +
                            " channels");
  }
  QuantOutputTables t;
  t.float_output = out.float_output;
  t.bias = out.bias.empty() ? std::vector<int32_t>(n, 0) : out.bias;
  if (!out.float_output) {
    auto requant = make_requantization(out.scale.data(), out.scale.size() != 1, channels, out.zero_point, out.lo,
                                       out.hi);
    if (!requant.ok()) return requant.status().with_context(who);
    t.requant = std::move(requant).value();
    return t;
  }
  if (!(out.epilogue.min <= out.epilogue.max)) return invalid_argument(prefix + "float clamp with min > max");
  for (int64_t c = 0; c < channels; ++c) {
    const float scale = out.channel_scale(c);
    if (!std::isfinite(scale)) return invalid_argument(prefix + "float output scale is not finite");
    t.scale.push_back(scale);
  }
  t.epilogue = out.epilogue;
  return t;
}

}  // namespace edgerun::kernels
