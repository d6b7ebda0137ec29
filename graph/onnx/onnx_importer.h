// ONNX import: a model file (ModelProto) -> Graph, and a serialized TensorProto -> Tensor.
//
// Reads the protobuf wire format with our own bounds-checked reader (graph/onnx/protobuf_reader.h), so
// no protobuf runtime is linked. Untrusted bytes never crash the importer: every malformed, truncated,
// oversized or unsupported input gives a Status that names the place (the field path, node, attribute
// or tensor) and the reason.
//
// What is imported:
// - opset_import: domain -> version into Graph::opsets ("ai.onnx" is stored as ""); each node gets the
//   version of its domain in Node::opset. Only the default domain is supported: a node of another domain
//   or of an op type edgerun lacks is an error "node 'x': unknown op 'Foo' (domain 'd')".
// - nodes: name (an unnamed node gets a unique "<op_type>_<index>"), inputs/outputs ("" = omitted ->
//   kNoValue), attributes of kinds FLOAT, INT, STRING, TENSOR, FLOATS, INTS, STRINGS (a TENSOR
//   attribute, e.g. Constant's value, is decoded into Attribute::t); GRAPH, TENSORS, SPARSE_TENSOR and
//   TYPE_PROTO attributes are unsupported errors.
// - initializers -> Value::constant (from typed fields, raw_data or external data); an initializer also
//   listed as a graph input keeps its value and is not a runtime input.
// - inputs, outputs and value_info with element type and shape (dim_value, or dim_param as a symbol).
// - finally Graph::topological_sort(), which reports cycles and inputs that nothing produces.
// External data (data_location = EXTERNAL) is read from files inside the model's folder only: absolute
// locations, ".." components and links leading outside are rejected, as are ranges past the file end.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "graph/graph.h"
#include "graph/status.h"
#include "graph/tensor.h"

namespace edgerun::onnx {

// Imports an .onnx file; external data is resolved relative to the file's folder.
Result<Graph> import_model_file(const std::string& path);

// Imports a serialized ModelProto. `external_data_dir` is the folder external data locations are
// relative to; when empty, a model with external data is an error.
Result<Graph> import_model_bytes(const uint8_t* data, size_t size, const std::string& external_data_dir = "");

// Reads a file holding one serialized TensorProto (the input_*.pb / output_*.pb of ONNX test data).
Result<Tensor> read_tensor_file(const std::string& path);

// Decodes a serialized TensorProto.
Result<Tensor> parse_tensor_proto(const uint8_t* data, size_t size, const std::string& external_data_dir = "");

}  // namespace edgerun::onnx
