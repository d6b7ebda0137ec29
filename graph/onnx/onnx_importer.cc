#include "graph/onnx/onnx_importer.h"

#include <limits>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include "graph/onnx/attribute_proto.h"
#include "graph/onnx/external_data.h"
#include "graph/onnx/protobuf_reader.h"
#include "graph/onnx/tensor_proto.h"
#include "graph/ops/op_type.h"

namespace edgerun::onnx {

namespace {

// "ai.onnx" and "" both name the default domain; we store "".
std::string normalize_domain(const std::string& d) { return d == "ai.onnx" ? std::string() : d; }

// ---- ValueInfoProto / TypeProto ----

struct ValueInfo {
  std::string name;
  bool has_type = false;
  int32_t elem_type = 0;
  bool has_shape = false;
  SymShape shape;
  const char* non_tensor = nullptr;  // "sequence", "map", "optional" ... when not a tensor
};

Status parse_shape(pb::Reader& r, SymShape* shape) {
  int64_t index = 0;
  while (!r.at_end()) {
    pb::Field f;
    RETURN_IF_ERROR(r.next(&f));
    if (f.number != 1) continue;
    ASSIGN_OR_RETURN(pb::Reader d, r.message(f, "dim", index++));
    SymDim dim;
    while (!d.at_end()) {
      pb::Field g;
      RETURN_IF_ERROR(d.next(&g));
      if (g.number == 1) {  // dim_value and dim_param are a oneof: the last one wins
        ASSIGN_OR_RETURN(dim.size, d.read_int64(g, "dim_value"));
        if (dim.size < 0) return d.error("dim_value", "negative dim " + std::to_string(dim.size));
        dim.symbol.clear();
      } else if (g.number == 2) {
        ASSIGN_OR_RETURN(dim.symbol, d.read_string(g, "dim_param"));
        dim.size = -1;
      }
    }
    shape->push_back(std::move(dim));
  }
  return Status::Ok();
}

Status parse_tensor_type(pb::Reader& r, ValueInfo* vi) {
  while (!r.at_end()) {
    pb::Field f;
    RETURN_IF_ERROR(r.next(&f));
    if (f.number == 1) {
      ASSIGN_OR_RETURN(vi->elem_type, r.read_int32(f, "elem_type"));
    } else if (f.number == 2) {
      ASSIGN_OR_RETURN(pb::Reader s, r.message(f, "shape"));
      vi->has_shape = true;
      vi->shape.clear();
      RETURN_IF_ERROR(parse_shape(s, &vi->shape));
    }
  }
  return Status::Ok();
}

Status parse_type(pb::Reader& r, ValueInfo* vi) {
  while (!r.at_end()) {
    pb::Field f;
    RETURN_IF_ERROR(r.next(&f));
    switch (f.number) {
      case 1: {
        ASSIGN_OR_RETURN(pb::Reader t, r.message(f, "tensor_type"));
        RETURN_IF_ERROR(parse_tensor_type(t, vi));
        break;
      }
      case 4: vi->non_tensor = "sequence"; break;
      case 5: vi->non_tensor = "map"; break;
      case 8: vi->non_tensor = "sparse tensor"; break;
      case 9: vi->non_tensor = "optional"; break;
      default: break;
    }
  }
  return Status::Ok();
}

Result<ValueInfo> parse_value_info(pb::Reader& r) {
  ValueInfo vi;
  while (!r.at_end()) {
    pb::Field f;
    RETURN_IF_ERROR(r.next(&f));
    if (f.number == 1) {
      ASSIGN_OR_RETURN(vi.name, r.read_string(f, "name"));
    } else if (f.number == 2) {
      ASSIGN_OR_RETURN(pb::Reader t, r.message(f, "type"));
      vi.has_type = true;
      RETURN_IF_ERROR(parse_type(t, &vi));
    }
  }
  if (vi.name.empty()) return r.error(nullptr, "value without a name");
  return vi;
}

// Sets a value's declared type from a ValueInfo; non-tensor types are an error only where `strict`
// (graph inputs and outputs: value_info entries are hints).
Status apply_value_info(const ValueInfo& vi, const char* role, bool strict, Value* v) {
  const std::string what = std::string(role) + " '" + vi.name + "'";
  if (vi.non_tensor) {
    if (strict) return unsupported(what + " is of " + vi.non_tensor + " type; only tensors are supported");
    return Status::Ok();
  }
  ASSIGN_OR_RETURN(DType dtype, dtype_from_onnx(vi.elem_type, what));
  if (vi.has_shape) {
    Shape known;
    for (const SymDim& d : vi.shape) known.push_back(d.known() ? d.size : 1);
    Result<int64_t> n = checked_num_elements(known);
    if (!n.ok()) return n.status().with_context(what + " declared as " + sym_shape_to_string(vi.shape));
  }
  if (!vi.has_type) return Status::Ok();
  v->dtype = dtype;
  v->has_shape = vi.has_shape;
  v->shape = vi.shape;
  return Status::Ok();
}

// ---- NodeProto ----

struct NodeHeader {
  pb::Field field;  // the node message, re-opened to decode attributes with their path
  std::string name, op_type, domain;
  std::vector<std::string> inputs, outputs;
  std::vector<pb::Field> attributes;
};

Result<NodeHeader> parse_node_header(pb::Reader& r, const pb::Field& field) {
  NodeHeader h;
  h.field = field;
  while (!r.at_end()) {
    pb::Field f;
    RETURN_IF_ERROR(r.next(&f));
    switch (f.number) {
      case 1: {
        ASSIGN_OR_RETURN(std::string s, r.read_string(f, "input"));
        h.inputs.push_back(std::move(s));
        break;
      }
      case 2: {
        ASSIGN_OR_RETURN(std::string s, r.read_string(f, "output"));
        h.outputs.push_back(std::move(s));
        break;
      }
      case 3: {
        ASSIGN_OR_RETURN(h.name, r.read_string(f, "name"));
        break;
      }
      case 4: {
        ASSIGN_OR_RETURN(h.op_type, r.read_string(f, "op_type"));
        break;
      }
      case 5: {
        RETURN_IF_ERROR(r.message(f, "attribute", static_cast<int64_t>(h.attributes.size())).status());
        h.attributes.push_back(f);
        break;
      }
      case 7: {
        ASSIGN_OR_RETURN(h.domain, r.read_string(f, "domain"));
        break;
      }
      default: break;
    }
  }
  if (h.op_type.empty()) return r.error(nullptr, "node without an op_type");
  h.domain = normalize_domain(h.domain);
  return h;
}

// Gives every unnamed node "<op_type>_<index>", made unique against all other node names.
void name_nodes(std::vector<NodeHeader>* headers) {
  std::set<std::string> taken;
  for (const NodeHeader& h : *headers) {
    if (!h.name.empty()) taken.insert(h.name);
  }
  for (size_t i = 0; i < headers->size(); ++i) {
    NodeHeader& h = (*headers)[i];
    if (!h.name.empty()) continue;
    const std::string base = h.op_type + "_" + std::to_string(i);
    std::string name = base;
    for (int k = 1; taken.count(name); ++k) name = base + "_" + std::to_string(k);
    taken.insert(name);
    h.name = name;
  }
}

// ---- GraphProto ----

struct GraphParts {
  std::string name;
  std::vector<NodeHeader> nodes;
  std::vector<std::pair<std::string, Tensor>> initializers;
  std::vector<ValueInfo> inputs, outputs, value_infos;
};

// Names a sparse initializer (its `values` tensor's name) for the error that rejects it.
std::string sparse_tensor_name(pb::Reader& r) {
  while (!r.at_end()) {
    pb::Field f;
    if (!r.next(&f).ok()) break;
    if (f.number != 1) continue;
    Result<pb::Reader> values = r.message(f, "values");
    if (!values.ok()) break;
    while (!values->at_end()) {
      pb::Field g;
      if (!values->next(&g).ok()) break;
      if (g.number == 8) {
        Result<std::string> name = values->read_string(g, "name");
        if (name.ok()) return name.value();
      }
    }
  }
  return "?";
}

Status read_graph_parts(pb::Reader& g, const std::string& external_data_dir, GraphParts* parts) {
  while (!g.at_end()) {
    pb::Field f;
    RETURN_IF_ERROR(g.next(&f));
    switch (f.number) {
      case 1: {
        ASSIGN_OR_RETURN(pb::Reader r, g.message(f, "node", static_cast<int64_t>(parts->nodes.size())));
        ASSIGN_OR_RETURN(NodeHeader h, parse_node_header(r, f));
        parts->nodes.push_back(std::move(h));
        break;
      }
      case 2: {
        ASSIGN_OR_RETURN(parts->name, g.read_string(f, "name"));
        break;
      }
      case 5: {
        const auto index = static_cast<int64_t>(parts->initializers.size());
        ASSIGN_OR_RETURN(pb::Reader r, g.message(f, "initializer", index));
        std::string name;
        ASSIGN_OR_RETURN(Tensor t, decode_tensor_proto(r, external_data_dir, &name));
        if (name.empty()) return r.error(nullptr, "initializer without a name");
        parts->initializers.emplace_back(std::move(name), std::move(t));
        break;
      }
      case 15: {
        ASSIGN_OR_RETURN(pb::Reader r, g.message(f, "sparse_initializer"));
        return unsupported("sparse initializer '" + sparse_tensor_name(r) + "' is not supported");
      }
      case 11:
      case 12:
      case 13: {
        auto& list = f.number == 11 ? parts->inputs : f.number == 12 ? parts->outputs : parts->value_infos;
        const char* field = f.number == 11 ? "input" : f.number == 12 ? "output" : "value_info";
        ASSIGN_OR_RETURN(pb::Reader r, g.message(f, field, static_cast<int64_t>(list.size())));
        ASSIGN_OR_RETURN(ValueInfo vi, parse_value_info(r));
        list.push_back(std::move(vi));
        break;
      }
      default: break;
    }
  }
  return Status::Ok();
}

Result<OpType> resolve_op(const NodeHeader& h) {
  const std::optional<OpType> op = find_model_op(h.op_type, h.domain);
  if (!op) return unsupported("node '" + h.name + "': unknown op '" + h.op_type + "' (domain '" + h.domain + "')");
  return *op;
}

Status build_node(pb::Reader& g, int64_t index, const NodeHeader& h, const std::map<std::string, int64_t>& opsets,
                  const std::set<ValueId>& graph_inputs, const std::string& external_data_dir, Graph* graph) {
  Node node;
  node.name = h.name;
  node.op_type = h.op_type;
  ASSIGN_OR_RETURN(node.op, resolve_op(h));
  auto opset = opsets.find(h.domain);
  if (opset == opsets.end()) {
    return invalid_model(node.describe() + ": the model imports no opset for domain '" + h.domain + "'");
  }
  node.opset = static_cast<int>(opset->second);

  for (const std::string& in : h.inputs) node.inputs.push_back(in.empty() ? kNoValue : graph->value_id(in));
  for (const std::string& out : h.outputs) {
    node.outputs.push_back(out.empty() ? kNoValue : graph->value_id(out));
  }
  for (ValueId o : node.outputs) {
    if (o != kNoValue && graph_inputs.count(o)) {
      return invalid_model(node.describe() + ": output '" + graph->value(o).name + "' is a graph input");
    }
  }

  ASSIGN_OR_RETURN(pb::Reader r, g.message(h.field, "node", index));
  for (size_t j = 0; j < h.attributes.size(); ++j) {
    ASSIGN_OR_RETURN(pb::Reader ar, r.message(h.attributes[j], "attribute", static_cast<int64_t>(j)));
    std::string name;
    Attribute attr;
    Status st = decode_attribute_proto(ar, external_data_dir, &name, &attr);
    if (!st.ok()) return st.with_context(node.describe());
    if (node.attrs.has(name)) return invalid_model(node.describe() + ": attribute '" + name + "' appears twice");
    node.attrs.set(name, std::move(attr));
  }
  graph->nodes.push_back(std::move(node));
  return Status::Ok();
}

Status build_graph(pb::Reader& g, const GraphParts& parts, const std::map<std::string, int64_t>& opsets,
                   const std::string& external_data_dir, Graph* graph) {
  // Unknown ops first: they are the most basic reason a model cannot run.
  for (const NodeHeader& h : parts.nodes) RETURN_IF_ERROR(resolve_op(h).status());
  graph->name = parts.name;
  graph->opsets = opsets;
  for (auto& [name, tensor] : parts.initializers) {
    if (graph->find_value(name)) return invalid_model("initializer '" + name + "' is defined twice");
    Value& v = graph->value(graph->value_id(name));
    v.dtype = tensor.dtype();
    v.has_shape = true;
    for (int64_t d : tensor.shape()) v.shape.push_back(SymDim{d, ""});
    v.constant = std::move(tensor);
  }
  std::set<std::string> input_names;
  for (const ValueInfo& vi : parts.inputs) {
    if (!input_names.insert(vi.name).second) return invalid_model("graph input '" + vi.name + "' is listed twice");
    const ValueId id = graph->value_id(vi.name);
    if (graph->value(id).constant) continue;  // an initializer listed as input (IR < 4) keeps its value
    RETURN_IF_ERROR(apply_value_info(vi, "graph input", true, &graph->value(id)));
    graph->inputs.push_back(id);
  }
  const std::set<ValueId> graph_inputs(graph->inputs.begin(), graph->inputs.end());
  for (size_t i = 0; i < parts.nodes.size(); ++i) {
    RETURN_IF_ERROR(
        build_node(g, static_cast<int64_t>(i), parts.nodes[i], opsets, graph_inputs, external_data_dir, graph));
  }
  std::set<std::string> declared(input_names);  // value_info does not override these declarations
  for (const ValueInfo& vi : parts.outputs) {
    const ValueId id = graph->value_id(vi.name);
    Value& v = graph->value(id);
    if (!v.constant) RETURN_IF_ERROR(apply_value_info(vi, "graph output", true, &v));
    graph->outputs.push_back(id);
    declared.insert(vi.name);
  }
  for (const ValueInfo& vi : parts.value_infos) {
    const std::optional<ValueId> id = graph->find_value(vi.name);
    if (!id || graph->value(*id).constant || declared.count(vi.name)) continue;
    RETURN_IF_ERROR(apply_value_info(vi, "value", false, &graph->value(*id)));
  }
  return graph->topological_sort();
}

Status parse_opset(pb::Reader& r, std::map<std::string, int64_t>* opsets) {
  std::string domain;
  int64_t version = 0;
  while (!r.at_end()) {
    pb::Field f;
    RETURN_IF_ERROR(r.next(&f));
    if (f.number == 1) {
      ASSIGN_OR_RETURN(domain, r.read_string(f, "domain"));
    } else if (f.number == 2) {
      ASSIGN_OR_RETURN(version, r.read_int64(f, "version"));
    }
  }
  domain = normalize_domain(domain);
  if (version < 1 || version > std::numeric_limits<int32_t>::max()) {
    return r.error("version", "invalid opset version " + std::to_string(version) + " for domain '" + domain + "'");
  }
  auto [it, inserted] = opsets->emplace(domain, version);
  if (!inserted && it->second != version) {
    return r.error(nullptr, "domain '" + domain + "' imported at opset " + std::to_string(it->second) + " and " +
                                std::to_string(version));
  }
  return Status::Ok();
}

}  // namespace

Result<Graph> import_model_bytes(const uint8_t* data, size_t size, const std::string& external_data_dir) {
  pb::Reader m(data, size, "ModelProto");
  std::map<std::string, int64_t> opsets;
  std::optional<pb::Field> graph_field;
  int64_t opset_index = 0;
  while (!m.at_end()) {
    pb::Field f;
    RETURN_IF_ERROR(m.next(&f));
    if (f.number == 7) {
      if (graph_field) return m.error("graph", "more than one graph");
      graph_field = f;
    } else if (f.number == 8) {
      ASSIGN_OR_RETURN(pb::Reader r, m.message(f, "opset_import", opset_index++));
      RETURN_IF_ERROR(parse_opset(r, &opsets));
    }
  }
  if (!graph_field) return m.error(nullptr, "model has no graph");
  ASSIGN_OR_RETURN(pb::Reader g, m.message(*graph_field, "graph"));
  GraphParts parts;
  RETURN_IF_ERROR(read_graph_parts(g, external_data_dir, &parts));
  name_nodes(&parts.nodes);
  Graph graph;
  RETURN_IF_ERROR(build_graph(g, parts, opsets, external_data_dir, &graph));
  return graph;
}

Result<Graph> import_model_file(const std::string& path) {
  ASSIGN_OR_RETURN(std::vector<uint8_t> bytes, read_whole_file(path));
  Result<Graph> graph = import_model_bytes(bytes.data(), bytes.size(), parent_folder(path));
  if (!graph.ok()) return graph.status().with_context(path);
  return graph;
}

Result<Tensor> parse_tensor_proto(const uint8_t* data, size_t size, const std::string& external_data_dir) {
  pb::Reader r(data, size, "TensorProto");
  std::string name;
  return decode_tensor_proto(r, external_data_dir, &name);
}

Result<Tensor> read_tensor_file(const std::string& path) {
  ASSIGN_OR_RETURN(std::vector<uint8_t> bytes, read_whole_file(path));
  Result<Tensor> t = parse_tensor_proto(bytes.data(), bytes.size(), parent_folder(path));
  if (!t.ok()) return t.status().with_context(path);
  return t;
}

}  // namespace edgerun::onnx
