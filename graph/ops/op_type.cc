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

}  // namespace edgerun
