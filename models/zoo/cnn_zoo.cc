#include "models/zoo/zoo.h"

namespace edgerun::zoo {

std::vector<ZooEntry> cnn_zoo_entries() { return {}; }

}  // namespace edgerun::zoo
