// Fuzz target for the .edgr reader (graph/format/edgr_reader.h): arbitrary bytes must give a graph or
// an error, never a crash, an over-read or a huge allocation. Seed it with files from
// `edgerun convert`. With clang and EDGERUN_SANITIZE=ON this builds as a libFuzzer binary; otherwise with
// tests/fuzz/replay_driver.cc, which runs each file named on the command line once.
#include <cstdint>
#include <vector>

#include "graph/format/edgr_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // An exact-size heap copy: aligned as the reader requires, and any over-read leaves the allocation.
  const std::vector<uint8_t> copy(data, data + size);
  (void)edgerun::read_edgr(copy.data(), copy.size());
  return 0;
}
