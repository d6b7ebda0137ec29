#include "graph/ops/op_type.h"

#include <cstring>

namespace edgerun {

namespace {
const char* const kOpNames[] = {
#define EDGERUN_OP(Name) #Name,
#include "graph/ops/op_list.inc"
#undef EDGERUN_OP
};
}  // namespace

const char* op_name(OpType op) {
  const int i = static_cast<int>(op);
  return i >= 0 && i < static_cast<int>(OpType::kCount) ? kOpNames[i] : "Unknown";
}

std::optional<OpType> find_op(const std::string& name) {
  for (int i = 0; i < static_cast<int>(OpType::kCount); ++i) {
    if (name == kOpNames[i]) return static_cast<OpType>(i);
  }
  return std::nullopt;
}

std::optional<OpType> find_model_op(const std::string& name, const std::string& domain) {
  const std::optional<OpType> op = find_op(name);
  if (!op) return std::nullopt;
  const bool internal = *op == OpType::kQConv || *op == OpType::kQMatMul || *op == OpType::kEarlyExit;
  const bool contrib = *op == OpType::kQLinearAdd || *op == OpType::kQLinearGlobalAveragePool;
  if (internal) return std::nullopt;
  if (domain == "com.microsoft") return contrib ? op : std::nullopt;
  return domain.empty() && !contrib ? op : std::nullopt;
}

}  // namespace edgerun
