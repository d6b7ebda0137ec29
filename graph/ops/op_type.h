// The op enum and its names, generated from op_list.inc.
#pragma once

#include <optional>
#include <string>

namespace edgerun {

enum class OpType : int {
#define EDGERUN_OP(Name) k##Name,
#include "graph/ops/op_list.inc"
#undef EDGERUN_OP
  kCount,
  kUnknown = kCount,
};

const char* op_name(OpType op);
// Looks an ONNX op type (domain ai.onnx) up; nullopt if edgerun has no such op.
std::optional<OpType> find_op(const std::string& name);

}  // namespace edgerun
