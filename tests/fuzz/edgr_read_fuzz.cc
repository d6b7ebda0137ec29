// Fuzz target for the .edgr reader (graph/format/edgr_reader.h): arbitrary bytes must give a graph or
// an error, never a crash, an over-read or a huge allocation. Seed it with files from
// `edgerun convert`. With clang and EDGERUN_SANITIZE=ON this builds as a libFuzzer binary; otherwise as
// a replay driver that runs each file named on the command line once.
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <vector>

#include "graph/format/edgr_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // An exact-size heap copy: aligned as the reader requires, and any over-read leaves the allocation.
  const std::vector<uint8_t> copy(data, data + size);
  (void)edgerun::read_edgr(copy.data(), copy.size());
  return 0;
}

#ifndef EDGERUN_LIBFUZZER
int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::ifstream in(argv[i], std::ios::binary);
    const std::vector<uint8_t> bytes{std::istreambuf_iterator<char>(in), {}};
    LLVMFuzzerTestOneInput(bytes.data(), bytes.size());
  }
  std::printf("ran %d inputs\n", argc - 1);
  return 0;
}
#endif
