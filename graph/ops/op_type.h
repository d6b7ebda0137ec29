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
// Looks an op type up by name, any domain; nullopt if edgerun has no such op.
std::optional<OpType> find_op(const std::string& name);
// The op a model file may name in `domain` ("" is ai.onnx, "com.microsoft" ONNX Runtime's contrib
// ops); nullopt for unknown ops and edgerun's internal ones, which only passes create.
std::optional<OpType> find_model_op(const std::string& name, const std::string& domain);

}  // namespace edgerun
