#include "tools/common/model_source.h"

#include <fstream>

#include "models/zoo/zoo.h"

namespace edgerun {

Result<ModelSource> resolve_model(const std::string& name_or_path) {
  ModelSource source;
  if (const zoo::ZooEntry* entry = zoo::find_zoo_entry(name_or_path)) {
    source.zoo_name = entry->name;
    source.description = std::string(entry->architecture) + " (zoo '" + entry->name + "', built natively)";
    return source;
  }
  if (!std::ifstream(name_or_path).good()) {
    std::string known;
    for (const zoo::ZooEntry& e : zoo::zoo_entries()) known += std::string(known.empty() ? "" : ", ") + e.name;
    return not_found("'" + name_or_path + "' is neither a zoo model (" + known + ") nor a readable model file");
  }
  source.path = name_or_path;
  source.description = name_or_path;
  return source;
}

Result<std::unique_ptr<Session>> open_session(const ModelSource& source, const SessionOptions& options) {
  if (source.zoo_name.empty()) return Session::load_file(source.path, options);
  ASSIGN_OR_RETURN(Graph graph, zoo::build_zoo_model(source.zoo_name));
  return Session::from_graph(std::move(graph), options);
}

}  // namespace edgerun
