#include "tools/common/text_file.h"

#include <fstream>
#include <sstream>

namespace edgerun {

std::string read_text_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace edgerun
