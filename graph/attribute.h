// Node attributes with ONNX's kinds. Subgraph attributes (If/Loop bodies) are not supported.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "graph/tensor.h"

namespace edgerun {

struct Attribute {
  enum class Kind { kFloat, kInt, kString, kTensor, kFloats, kInts, kStrings };
  Kind kind = Kind::kInt;
  float f = 0.0f;
  int64_t i = 0;
  std::string s;
  Tensor t;
  std::vector<float> floats;
  std::vector<int64_t> ints;
  std::vector<std::string> strings;
};

class Attributes {
 public:
  bool has(std::string_view name) const { return map_.count(name) != 0; }
  const Attribute* find(std::string_view name) const;
  void set(const std::string& name, Attribute a) { map_[name] = std::move(a); }
  void set_int(const std::string& name, int64_t v);
  void set_float(const std::string& name, float v);
  void set_string(const std::string& name, const std::string& v);
  void set_ints(const std::string& name, const std::vector<int64_t>& v);
  void set_floats(const std::string& name, const std::vector<float>& v);
  void erase(const std::string& name) { map_.erase(name); }

  // Lookups take a string_view and the map compares transparently, so no std::string is built per
  // lookup (a run allocates nothing here). Typed getters return the default when the attribute is
  // absent. A present attribute of the wrong kind is a model error, reported by `validate_kinds` at
  // import, so getters trust the kind here.
  int64_t get_int(std::string_view name, int64_t def) const;
  float get_float(std::string_view name, float def) const;
  std::string get_string(std::string_view name, const std::string& def) const;
  std::vector<int64_t> get_ints(std::string_view name, const std::vector<int64_t>& def = {}) const;
  std::vector<float> get_floats(std::string_view name, const std::vector<float>& def = {}) const;
  const Tensor* get_tensor(std::string_view name) const;

  const std::map<std::string, Attribute, std::less<>>& all() const { return map_; }

 private:
  std::map<std::string, Attribute, std::less<>> map_;
};

}  // namespace edgerun
