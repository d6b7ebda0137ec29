#include "graph/graph.h"

#include <functional>

namespace edgerun {

std::string Node::describe() const {
  return "node '" + name + "' (" + op_type + ")";
}

ValueId Graph::value_id(const std::string& value_name) {
  auto it = by_name_.find(value_name);
  if (it != by_name_.end()) return it->second;
  const ValueId id = static_cast<ValueId>(values.size());
  values.emplace_back();
  values.back().name = value_name;
  by_name_[value_name] = id;
  return id;
}

std::optional<ValueId> Graph::find_value(const std::string& value_name) const {
  auto it = by_name_.find(value_name);
  if (it == by_name_.end()) return std::nullopt;
  return it->second;
}

Status Graph::rename_value(ValueId id, const std::string& new_name) {
  Value& v = value(id);
  if (v.name == new_name) return Status::Ok();
  if (by_name_.count(new_name)) return invalid_argument("a value named '" + new_name + "' exists already");
  by_name_.erase(v.name);
  v.name = new_name;
  by_name_[new_name] = id;
  return Status::Ok();
}

ValueId Graph::add_constant(const std::string& value_name, Tensor t) {
  const ValueId id = value_id(unique_name(value_name));
  Value& v = value(id);
  v.dtype = t.dtype();
  v.has_shape = true;
  v.shape.clear();
  for (int64_t d : t.shape()) v.shape.push_back(SymDim{d, ""});
  v.constant = std::move(t);
  return id;
}

bool Graph::is_output(ValueId id) const {
  for (ValueId o : outputs) {
    if (o == id) return true;
  }
  return false;
}

std::string Graph::unique_name(const std::string& base) const {
  if (!by_name_.count(base)) return base;
  for (int i = 1;; ++i) {
    std::string candidate = base + "_" + std::to_string(i);
    if (!by_name_.count(candidate)) return candidate;
  }
}

std::vector<int> Graph::producers() const {
  std::vector<int> producer(values.size(), -1);
  for (size_t n = 0; n < nodes.size(); ++n) {
    for (ValueId o : nodes[n].outputs) {
      if (o != kNoValue) producer[static_cast<size_t>(o)] = static_cast<int>(n);
    }
  }
  return producer;
}

std::vector<int> Graph::use_counts() const {
  std::vector<int> uses(values.size(), 0);
  for (const Node& node : nodes) {
    for (ValueId i : node.inputs) {
      if (i != kNoValue) ++uses[static_cast<size_t>(i)];
    }
  }
  for (ValueId o : outputs) ++uses[static_cast<size_t>(o)];
  return uses;
}

Status Graph::topological_sort() {
  std::vector<int> producer(values.size(), -1);
  for (size_t n = 0; n < nodes.size(); ++n) {
    for (ValueId o : nodes[n].outputs) {
      if (o == kNoValue) continue;
      const Value& v = value(o);
      if (producer[static_cast<size_t>(o)] != -1) {
        return invalid_model(nodes[n].describe() + ": output '" + v.name + "' is also produced by " +
                             nodes[static_cast<size_t>(producer[static_cast<size_t>(o)])].describe());
      }
      if (v.constant) return invalid_model(nodes[n].describe() + ": output '" + v.name + "' is an initializer");
      producer[static_cast<size_t>(o)] = static_cast<int>(n);
    }
  }
  std::vector<bool> is_input(values.size(), false);
  for (ValueId i : inputs) is_input[static_cast<size_t>(i)] = true;

  // Iterative DFS (a deep model must not overflow the stack): 0 = new, 1 = on stack, 2 = done.
  std::vector<int> state(nodes.size(), 0);
  std::vector<int> order;
  order.reserve(nodes.size());
  for (size_t root = 0; root < nodes.size(); ++root) {
    if (state[root] != 0) continue;
    std::vector<std::pair<int, size_t>> stack{{static_cast<int>(root), 0}};
    state[root] = 1;
    while (!stack.empty()) {
      auto& [n, next_input] = stack.back();
      const Node& node = nodes[static_cast<size_t>(n)];
      if (next_input < node.inputs.size()) {
        const ValueId in = node.inputs[next_input++];
        if (in == kNoValue) continue;
        const int p = producer[static_cast<size_t>(in)];
        if (p == -1) {
          const Value& v = value(in);
          if (!v.constant && !is_input[static_cast<size_t>(in)]) {
            return invalid_model(node.describe() + ": input '" + v.name +
                                 "' is not produced by any node and is neither a graph input nor an initializer");
          }
          continue;
        }
        if (state[static_cast<size_t>(p)] == 1) {
          return invalid_model("graph has a cycle through " + nodes[static_cast<size_t>(p)].describe());
        }
        if (state[static_cast<size_t>(p)] == 0) {
          state[static_cast<size_t>(p)] = 1;
          stack.push_back({p, 0});
        }
        continue;
      }
      state[static_cast<size_t>(n)] = 2;
      order.push_back(n);
      stack.pop_back();
    }
  }
  for (ValueId o : outputs) {
    const Value& v = value(o);
    if (producer[static_cast<size_t>(o)] == -1 && !v.constant && !is_input[static_cast<size_t>(o)]) {
      return invalid_model("graph output '" + v.name + "' is not produced by any node");
    }
  }
  std::vector<Node> sorted;
  sorted.reserve(nodes.size());
  for (int n : order) sorted.push_back(std::move(nodes[static_cast<size_t>(n)]));
  nodes = std::move(sorted);
  return Status::Ok();
}

}  // namespace edgerun
