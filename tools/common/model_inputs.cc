#include "tools/common/model_inputs.h"

#include <cstdlib>
#include <random>

namespace edgerun {

Result<std::map<std::string, int64_t>> parse_dim_bindings(const std::vector<std::string>& specs) {
  std::map<std::string, int64_t> bindings;
  for (const std::string& s : specs) {
    const size_t eq = s.find('=');
    if (eq == std::string::npos || eq == 0) return invalid_argument("dim binding '" + s + "' is not NAME=SIZE");
    const std::string digits = s.substr(eq + 1);
    char* end = nullptr;
    const long long size = std::strtoll(digits.c_str(), &end, 10);
    if (digits.empty() || *end != '\0' || size < 0) {
      return invalid_argument("dim binding '" + s + "' has no valid non-negative size");
    }
    bindings[s.substr(0, eq)] = size;
  }
  return bindings;
}

Result<std::vector<NamedTensor>> make_random_inputs(const Session& session, uint32_t seed) {
  ASSIGN_OR_RETURN(auto shapes, session.default_input_shapes());
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
  std::vector<NamedTensor> inputs;
  const Graph& g = session.graph();
  for (ValueId id : g.inputs) {
    const Value& v = g.value(id);
    ASSIGN_OR_RETURN(Tensor t, Tensor::allocate(v.dtype, shapes[v.name]));
    for (int64_t i = 0; i < t.num_elements(); ++i) {
      switch (v.dtype) {
        case DType::kF32: t.data<float>()[i] = uniform(rng); break;
        case DType::kF64: t.data<double>()[i] = uniform(rng); break;
        case DType::kI64: t.data<int64_t>()[i] = static_cast<int64_t>(rng() % 2); break;
        case DType::kI32: t.data<int32_t>()[i] = static_cast<int32_t>(rng() % 2); break;
        case DType::kU8: t.data<uint8_t>()[i] = static_cast<uint8_t>(rng() % 256); break;
        case DType::kI8: t.data<int8_t>()[i] = static_cast<int8_t>(static_cast<int>(rng() % 256) - 128); break;
        case DType::kBool: t.data<bool>()[i] = (i % 2) == 0; break;
        default: return unsupported(std::string("cannot generate inputs of type ") + dtype_name(v.dtype));
      }
    }
    inputs.push_back({v.name, std::move(t)});
  }
  return inputs;
}

}  // namespace edgerun
