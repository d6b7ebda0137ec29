#include "models/data/eval_task.h"

#include <algorithm>

namespace edgerun::data {

Status TaskEvaluator::score(const Tensor& output, int64_t begin, int64_t count) {
  RETURN_IF_ERROR(check_output(output));
  if (output.dim(0) < count) return internal_error("fewer output rows than samples");
  if (begin < 0 || count < 0 || begin + count > size())
    return invalid_argument("samples [" + std::to_string(begin) + ", " + std::to_string(begin + count) +
                            ") are not in the task's " + std::to_string(size()));
  std::vector<int64_t> counts = counts_;
  counts.resize(counts_size(), 0);
  for (int64_t i = 0; i < count; ++i) RETURN_IF_ERROR(add_sample(output, i, begin + i, counts.data()));
  counts_ = std::move(counts);  // all or nothing
  return Status::Ok();
}

Result<std::vector<int64_t>> TaskEvaluator::sample_counts(const Tensor& output, int64_t row, int64_t sample) const {
  RETURN_IF_ERROR(check_output(output));
  if (row < 0 || row >= output.dim(0))
    return invalid_argument("row " + std::to_string(row) + " is not in an output of " + std::to_string(output.dim(0)));
  if (sample < 0 || sample >= size())
    return invalid_argument("sample " + std::to_string(sample) + " is not in the task's " + std::to_string(size()));
  std::vector<int64_t> counts(counts_size(), 0);
  RETURN_IF_ERROR(add_sample(output, row, sample, counts.data()));
  return counts;
}

std::vector<Metric> TaskEvaluator::metrics_of(std::vector<int64_t> counts) const {
  counts.resize(counts_size(), 0);
  return metrics_of_counts(counts);
}

Status label_out_of_range(int64_t sample, int64_t label, int64_t classes) {
  return invalid_argument("sample " + std::to_string(sample) + " has label " + std::to_string(label) +
                          ", outside the task's " + std::to_string(classes) + " classes");
}

Result<const Value*> expect_input(const Graph& graph, const std::string& name, DType dtype, const Shape& dims) {
  for (ValueId id : graph.inputs) {
    const Value& v = graph.value(id);
    if (v.name != name) continue;
    const std::string what = "model input '" + name + "'";
    if (v.dtype != dtype) {
      return invalid_argument(what + " is " + dtype_name(v.dtype) + ", the task feeds " + dtype_name(dtype));
    }
    if (!v.has_shape) return &v;  // nothing declared to check
    if (v.shape.size() != dims.size()) {
      return invalid_argument(what + " has shape " + sym_shape_to_string(v.shape) + ", the task feeds rank " +
                              std::to_string(dims.size()));
    }
    for (size_t d = 0; d < dims.size(); ++d) {
      if (dims[d] >= 0 && v.shape[d].known() && v.shape[d].size != dims[d]) {
        return invalid_argument(what + " has shape " + sym_shape_to_string(v.shape) + ", the task feeds " +
                                shape_to_string(dims) + " (-1: any)");
      }
    }
    return &v;
  }
  return invalid_argument("the model has no input '" + name + "' (is it a model for this task?)");
}

Status expect_input_names(const Graph& graph, const std::vector<std::string>& names) {
  for (ValueId id : graph.inputs) {
    const std::string& name = graph.value(id).name;
    if (std::find(names.begin(), names.end(), name) == names.end()) {
      return invalid_argument("the model has an input '" + name +
                              "' this task does not feed (is it a model for this task?)");
    }
  }
  return Status::Ok();
}

Status expect_output(const Tensor& output, const Shape& dims) {
  if (output.dtype() != DType::kF32 || output.shape() != dims) {
    return invalid_argument(std::string("the model's output is ") + dtype_name(output.dtype()) + " " +
                            shape_to_string(output.shape()) + ", the task expects float32 " + shape_to_string(dims));
  }
  return Status::Ok();
}

Status expect_image_input(const Graph& graph, int64_t height, int64_t width) {
  RETURN_IF_ERROR(expect_input_names(graph, {"input"}));
  return expect_input(graph, "input", DType::kF32, {-1, 1, height, width}).status();
}

Result<std::vector<NamedTensor>> image_input_batch(const std::vector<uint8_t>& pixels, int64_t height,
                                                   int64_t width, int64_t begin, int64_t count, int64_t rows) {
  const int64_t image = height * width;
  ASSIGN_OR_RETURN(Tensor t, Tensor::allocate(DType::kF32, {rows, 1, height, width}));
  float* out = t.data<float>();
  const uint8_t* in = pixels.data() + begin * image;
  for (int64_t i = 0; i < count * image; ++i) out[i] = static_cast<float>(in[i]) / 255.0f;
  return std::vector<NamedTensor>{{"input", std::move(t)}};
}

}  // namespace edgerun::data
