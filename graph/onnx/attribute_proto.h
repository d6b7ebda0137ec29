// AttributeProto decoding (internal to the importer).
#pragma once

#include <string>

#include "graph/attribute.h"
#include "graph/onnx/protobuf_reader.h"
#include "graph/status.h"

namespace edgerun::onnx {

// Decodes the AttributeProto message `r` reads into `*name` and `*attr`. The kind comes from the `type`
// field or, in models old enough to lack it, from the one value field present; a value field of another
// kind is an error, and so are kinds edgerun does not support (GRAPH, TENSORS, SPARSE_TENSOR, TYPE_PROTO
// and their lists) and references to function attributes. A TENSOR value is decoded into attr->t.
Status decode_attribute_proto(pb::Reader& r, const std::string& external_data_dir, std::string* name, Attribute* attr);

}  // namespace edgerun::onnx
