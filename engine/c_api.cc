// The C API (edgerun.h) over Plan: a .edgr model read in place, compiled with the caller's op resolver
// for a caller's arena (Plan::compile_optimized, CompileOptions::external_arena).
#include "engine/edgerun.h"

#include <algorithm>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "engine/c_api_plan.h"
#include "engine/plan.h"
#include "graph/format/edgr_reader.h"
#include "graph/passes/infer_shapes.h"

namespace {

using edgerun::Status;
using edgerun::StatusCode;

static_assert(EDGERUN_DTYPE_FLOAT == static_cast<int>(edgerun::DType::kF32) &&
                  EDGERUN_DTYPE_UINT8 == static_cast<int>(edgerun::DType::kU8) &&
                  EDGERUN_DTYPE_INT8 == static_cast<int>(edgerun::DType::kI8) &&
                  EDGERUN_DTYPE_INT32 == static_cast<int>(edgerun::DType::kI32) &&
                  EDGERUN_DTYPE_INT64 == static_cast<int>(edgerun::DType::kI64) &&
                  EDGERUN_DTYPE_BOOL == static_cast<int>(edgerun::DType::kBool),
              "edgerun.h's dtype values are ONNX's, as DType's");

// What the info calls hand out, built at load so they allocate nothing later.
struct Port {
  std::string name;
  edgerun::DType dtype = edgerun::DType::kUndefined;
  std::vector<int64_t> dims;
  size_t byte_size = 0;
  float scale = 0.0f;
  int32_t zero_point = 0;
};

Port describe_port(const edgerun::Value& value) {
  Port port;
  port.name = value.name;
  port.dtype = value.dtype;
  port.dims = edgerun::concrete_shape(value);
  port.byte_size = static_cast<size_t>(edgerun::num_elements(port.dims)) * edgerun::dtype_size(value.dtype);
  if (value.quant.scale.size() == 1) {
    port.scale = value.quant.scale[0];
    port.zero_point = value.quant.zero_point.empty() ? 0 : value.quant.zero_point[0];
  }
  return port;
}

edgerun_status to_c_status(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return EDGERUN_OK;
    case StatusCode::kInvalidArgument: return EDGERUN_INVALID_ARGUMENT;
    case StatusCode::kInvalidModel: return EDGERUN_INVALID_MODEL;
    case StatusCode::kUnsupported: return EDGERUN_UNSUPPORTED;
    case StatusCode::kOutOfRange: return EDGERUN_OUT_OF_RANGE;
    default: return EDGERUN_ERROR;
  }
}

void copy_message(const std::string& message, char* error, size_t error_size) {
  if (error == nullptr || error_size == 0) return;
  const size_t n = std::min(message.size(), error_size - 1);
  std::memcpy(error, message.data(), n);
  error[n] = '\0';
}

}  // namespace

namespace edgerun {

Result<std::unique_ptr<Plan>> compile_for_c_api(const Graph& graph, const OpResolver& ops) {
  std::map<std::string, Shape> shapes;
  for (ValueId id : graph.inputs) {
    const Value& v = graph.value(id);
    const bool concrete =
        v.has_shape && std::all_of(v.shape.begin(), v.shape.end(), [](const SymDim& d) { return d.known(); });
    if (!concrete) return invalid_model("input '" + v.name + "' has no concrete shape");
    shapes[v.name] = concrete_shape(v);
  }
  CompileOptions options;
  options.external_arena = true;
  options.sparse = kernels::SparseKernels::kOff;
  return Plan::compile_optimized(graph, shapes, ops, options);
}

}  // namespace edgerun

struct edgerun_model {
  std::unique_ptr<edgerun::Plan> plan;
  std::vector<Port> inputs;
  std::vector<Port> outputs;
  std::string error;

  edgerun_status fail(const Status& status) {
    error = status.to_string();
    return to_c_status(status.code());
  }
};

namespace {

edgerun::Result<std::unique_ptr<edgerun_model>> load_model(const void* data, size_t size,
                                                           const edgerun_op_resolver& c_ops) {
  RETURN_IF_ERROR(edgerun::check_model_bytes(size, edgerun::ModelLimits{}));
  ASSIGN_OR_RETURN(edgerun::Graph graph, edgerun::read_edgr(static_cast<const uint8_t*>(data), size));
  auto model = std::make_unique<edgerun_model>();
  ASSIGN_OR_RETURN(model->plan, edgerun::compile_for_c_api(graph, edgerun::to_op_resolver(c_ops)));
  const edgerun::Graph& compiled = model->plan->graph();
  for (edgerun::ValueId id : compiled.inputs) model->inputs.push_back(describe_port(compiled.value(id)));
  for (edgerun::ValueId id : compiled.outputs) model->outputs.push_back(describe_port(compiled.value(id)));
  return model;
}

edgerun_status port_info(const std::vector<Port>& ports, size_t index, edgerun_tensor_info* info) {
  if (info == nullptr || index >= ports.size()) return EDGERUN_INVALID_ARGUMENT;
  const Port& port = ports[index];
  info->name = port.name.c_str();
  info->dtype = static_cast<int32_t>(port.dtype);
  info->rank = port.dims.size();
  info->dims = port.dims.data();
  info->byte_size = port.byte_size;
  info->scale = port.scale;
  info->zero_point = port.zero_point;
  return EDGERUN_OK;
}

}  // namespace

extern "C" {

edgerun_status edgerun_model_load(const void* data, size_t size, const edgerun_op_resolver* resolver,
                                  edgerun_model** model, char* error, size_t error_size) {
  if (model == nullptr) return EDGERUN_INVALID_ARGUMENT;
  *model = nullptr;
  if (data == nullptr || resolver == nullptr) {
    copy_message("edgerun_model_load: the model bytes and the op resolver must not be null", error, error_size);
    return EDGERUN_INVALID_ARGUMENT;
  }
#if defined(__cpp_exceptions)
  try {
#endif
    auto loaded = load_model(data, size, *resolver);
    if (!loaded.ok()) {
      copy_message(loaded.status().to_string(), error, error_size);
      return to_c_status(loaded.status().code());
    }
    *model = std::move(loaded).value().release();
    return EDGERUN_OK;
#if defined(__cpp_exceptions)
  } catch (const std::bad_alloc&) {
    copy_message("edgerun_model_load: out of memory", error, error_size);
    return EDGERUN_OUT_OF_RANGE;
  }
#endif
}

void edgerun_model_free(edgerun_model* model) { delete model; }

size_t edgerun_model_arena_size(const edgerun_model* model) {
  return model == nullptr ? 0 : model->plan->external_arena_bytes();
}

size_t edgerun_model_num_inputs(const edgerun_model* model) { return model == nullptr ? 0 : model->inputs.size(); }
size_t edgerun_model_num_outputs(const edgerun_model* model) { return model == nullptr ? 0 : model->outputs.size(); }

edgerun_status edgerun_model_input_info(const edgerun_model* model, size_t index, edgerun_tensor_info* info) {
  return model == nullptr ? EDGERUN_INVALID_ARGUMENT : port_info(model->inputs, index, info);
}

edgerun_status edgerun_model_output_info(const edgerun_model* model, size_t index, edgerun_tensor_info* info) {
  return model == nullptr ? EDGERUN_INVALID_ARGUMENT : port_info(model->outputs, index, info);
}

edgerun_status edgerun_model_run(edgerun_model* model, void* arena, size_t arena_size, const void* const* inputs,
                                 void* const* outputs) {
  if (model == nullptr) return EDGERUN_INVALID_ARGUMENT;
  model->error.clear();
  if (inputs == nullptr || outputs == nullptr)
    return model->fail(edgerun::invalid_argument("edgerun_model_run: inputs and outputs must not be null"));
  const Status status = model->plan->run_in_arena(arena, arena_size, inputs, outputs);
  return status.ok() ? EDGERUN_OK : model->fail(status);
}

int edgerun_model_last_exit(const edgerun_model* model) {
  return model == nullptr ? -1 : model->plan->last_run().stopped_at_exit;
}

const char* edgerun_model_error(const edgerun_model* model) { return model == nullptr ? "" : model->error.c_str(); }

}  // extern "C"
