#include "models/zoo/zoo.h"

namespace edgerun::zoo {

std::vector<ZooEntry> zoo_entries() {
  std::vector<ZooEntry> all = cnn_zoo_entries();
  for (const ZooEntry& e : transformer_zoo_entries()) all.push_back(e);
  return all;
}

const ZooEntry* find_zoo_entry(const std::string& name) {
  static const std::vector<ZooEntry> entries = zoo_entries();
  for (const ZooEntry& e : entries) {
    if (name == e.name) return &e;
  }
  return nullptr;
}

Result<Graph> build_zoo_model(const std::string& name, const BuildOptions& options) {
  const ZooEntry* entry = find_zoo_entry(name);
  if (entry == nullptr) {
    std::string known;
    for (const ZooEntry& e : zoo_entries()) known += std::string(known.empty() ? "" : ", ") + e.name;
    return not_found("no zoo model named '" + name + "' (known: " + known + ")");
  }
  return entry->build(options);
}

}  // namespace edgerun::zoo
