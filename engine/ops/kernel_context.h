// What an op's run function sees: its node (attributes), its input tensors and its output tensors,
// already allocated with the shapes inference gave them.
#pragma once

#include <vector>

#include "graph/graph.h"

namespace edgerun {

class KernelContext {
 public:
  KernelContext(const Node& node, std::vector<const Tensor*> inputs, std::vector<Tensor*> outputs)
      : node_(node), inputs_(std::move(inputs)), outputs_(std::move(outputs)) {}

  const Node& node() const { return node_; }
  const Attributes& attrs() const { return node_.attrs; }
  int opset() const { return node_.opset; }

  size_t num_inputs() const { return inputs_.size(); }
  bool has_input(size_t i) const { return i < inputs_.size() && inputs_[i] != nullptr; }
  const Tensor& input(size_t i) const { return *inputs_[i]; }

  size_t num_outputs() const { return outputs_.size(); }
  bool has_output(size_t i) const { return i < outputs_.size() && outputs_[i] != nullptr; }
  Tensor& output(size_t i) const { return *outputs_[i]; }

  Status error(const std::string& message) const { return invalid_argument(node_.describe() + ": " + message); }
  // A callee's error prefixed with the node; the message is built only on failure, so a successful
  // run allocates nothing here.
  Status in_context(Status status) const {
    return status.ok() ? status : status.with_context(node_.describe());
  }
  Status unsupported_here(const std::string& message) const {
    return unsupported(node_.describe() + ": " + message);
  }

 private:
  const Node& node_;
  std::vector<const Tensor*> inputs_;
  std::vector<Tensor*> outputs_;
};

}  // namespace edgerun
