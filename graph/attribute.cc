#include "graph/attribute.h"

namespace edgerun {

const Attribute* Attributes::find(std::string_view name) const {
  auto it = map_.find(name);
  return it == map_.end() ? nullptr : &it->second;
}

void Attributes::set_int(const std::string& name, int64_t v) {
  Attribute a;
  a.kind = Attribute::Kind::kInt;
  a.i = v;
  map_[name] = std::move(a);
}

void Attributes::set_float(const std::string& name, float v) {
  Attribute a;
  a.kind = Attribute::Kind::kFloat;
  a.f = v;
  map_[name] = std::move(a);
}

void Attributes::set_string(const std::string& name, const std::string& v) {
  Attribute a;
  a.kind = Attribute::Kind::kString;
  a.s = v;
  map_[name] = std::move(a);
}

void Attributes::set_ints(const std::string& name, const std::vector<int64_t>& v) {
  Attribute a;
  a.kind = Attribute::Kind::kInts;
  a.ints = v;
  map_[name] = std::move(a);
}

void Attributes::set_floats(const std::string& name, const std::vector<float>& v) {
  Attribute a;
  a.kind = Attribute::Kind::kFloats;
  a.floats = v;
  map_[name] = std::move(a);
}

int64_t Attributes::get_int(std::string_view name, int64_t def) const {
  const Attribute* a = find(name);
  if (!a) return def;
  return a->kind == Attribute::Kind::kFloat ? static_cast<int64_t>(a->f) : a->i;
}

float Attributes::get_float(std::string_view name, float def) const {
  const Attribute* a = find(name);
  if (!a) return def;
  return a->kind == Attribute::Kind::kInt ? static_cast<float>(a->i) : a->f;
}

std::string Attributes::get_string(std::string_view name, const std::string& def) const {
  const Attribute* a = find(name);
  return a ? a->s : def;
}

std::vector<int64_t> Attributes::get_ints(std::string_view name, const std::vector<int64_t>& def) const {
  const Attribute* a = find(name);
  return a ? a->ints : def;
}

std::vector<float> Attributes::get_floats(std::string_view name, const std::vector<float>& def) const {
  const Attribute* a = find(name);
  return a ? a->floats : def;
}

const Tensor* Attributes::get_tensor(std::string_view name) const {
  const Attribute* a = find(name);
  return a && a->kind == Attribute::Kind::kTensor ? &a->t : nullptr;
}

}  // namespace edgerun
