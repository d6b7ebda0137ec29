// Fuzz target for the ONNX importer: arbitrary bytes as a ModelProto and as a TensorProto must give a
// result or an error, never a crash, an over-read or a huge allocation.
// With clang and EDGERUN_SANITIZE=ON this builds as a libFuzzer binary (seed it with
// /usr/share/libonnx-testdata/data/node/*/model.onnx); otherwise with
// tests/fuzz/replay_driver.cc, which runs each file named on the command line once.
#include <cstdint>

#include "graph/onnx/onnx_importer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)edgerun::onnx::import_model_bytes(data, size);
  (void)edgerun::onnx::parse_tensor_proto(data, size);
  return 0;
}
