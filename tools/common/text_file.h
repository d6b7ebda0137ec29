// A whole small text file (a log, a port file, a child process's output) as a string.
#pragma once

#include <string>

namespace edgerun {

// The file's contents; "" when it does not exist (yet) or cannot be read: callers poll files another
// process writes, or read what a child may not have written.
std::string read_text_file(const std::string& path);

}  // namespace edgerun
