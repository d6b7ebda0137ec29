// TensorProto decoding and ONNX element types (internal to the importer).
#pragma once

#include <cstdint>
#include <string>

#include "graph/dtype.h"
#include "graph/onnx/protobuf_reader.h"
#include "graph/status.h"
#include "graph/tensor.h"

namespace edgerun::onnx {

// Maps an ONNX TensorProto.DataType to a DType. 0 maps to kUndefined; types edgerun cannot store
// (complex, bfloat16, float8 ...) are an unsupported error mentioning `what` (e.g. "value 'x'").
Result<DType> dtype_from_onnx(int64_t onnx_type, const std::string& what);

// Decodes the TensorProto message `r` reads into an owned tensor; `*name` receives its name.
// The element count and the bytes of data are checked against each other before anything is allocated,
// so a tensor claims at most as much memory as its data actually occupies (times 8 for varint fields).
Result<Tensor> decode_tensor_proto(pb::Reader& r, const std::string& external_data_dir, std::string* name);

}  // namespace edgerun::onnx
