// Fuzz target for the ONNX importer: arbitrary bytes as a ModelProto and as a TensorProto must give a
// result or an error, never a crash, an over-read or a huge allocation.
// With clang and EDGERUN_SANITIZE=ON this builds as a libFuzzer binary (seed it with
// /usr/share/libonnx-testdata/data/node/*/model.onnx); otherwise it builds as a replay driver that runs
// each file named on the command line once (crash reproduction under GCC's sanitizers).
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <vector>

#include "graph/onnx/onnx_importer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)edgerun::onnx::import_model_bytes(data, size);
  (void)edgerun::onnx::parse_tensor_proto(data, size);
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
