// ONNX export: Graph -> ModelProto, readable by the importer (onnx_importer.h) and by ONNX Runtime.
//
// Written (field numbers of onnx.proto, ONNX 1.12): ir_version 8, producer_name "edgerun", one
// opset_import per entry of Graph::opsets ("" is the default domain), and the graph:
// - nodes in topological order with name (made unique, as ONNX requires: a repeated name gets a
//   suffix "_1", "_2" ...), op_type, inputs and outputs (kNoValue as ""), and every attribute kind
//   edgerun has (FLOAT, INT, STRING, TENSOR, FLOATS, INTS, STRINGS);
// - initializers: the constants some node or graph output reads, as raw_data (little-endian), for
//   every element type edgerun stores;
// - inputs and outputs with element type and shape (symbolic dims as dim_param, unknown ones empty),
//   and value_info for the other values whose type the graph declares.
// Quantization parameters (Value::quant) have no place in ONNX and are not written.
// The whole model goes into one file: protobuf limits a message to 2 GiB, so a larger model is an
// out_of_range error (external data is not written). Tensor data is streamed, never copied whole.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "graph/graph.h"
#include "graph/status.h"

namespace edgerun::onnx {

constexpr int64_t kWrittenIrVersion = 8;
// Protobuf's limit on one serialized message (INT32_MAX bytes).
constexpr uint64_t kMaxWrittenModelBytes = (uint64_t{1} << 31) - 1;

// Serializes `graph` as a ModelProto.
Result<std::vector<uint8_t>> write_model_bytes(const Graph& graph);

// Writes `graph` to `path`; on failure no partial file is left behind.
Status write_model_file(const Graph& graph, const std::string& path);

}  // namespace edgerun::onnx
