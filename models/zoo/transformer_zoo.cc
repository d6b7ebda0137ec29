#include "models/zoo/zoo.h"

namespace edgerun::zoo {

std::vector<ZooEntry> transformer_zoo_entries() { return {}; }

}  // namespace edgerun::zoo
