#include "tools/serve/served_model.h"

#include <chrono>
#include <map>

#include "engine/plan.h"

namespace edgerun::serve {
namespace {

double ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

bool dims_match(const Shape& declared, const Shape& actual) {
  if (declared.size() != actual.size()) return false;
  for (size_t i = 0; i < declared.size(); ++i) {
    if (declared[i] >= 0 && declared[i] != actual[i]) return false;
  }
  return true;
}

}  // namespace

Result<std::unique_ptr<ServedModel>> ServedModel::create(std::unique_ptr<Session> session) {
  ASSIGN_OR_RETURN(auto shapes, session->default_input_shapes());
  RETURN_IF_ERROR(session->prepare(shapes).with_context("compiling the served model"));
  return std::unique_ptr<ServedModel>(new ServedModel(std::move(session)));
}

size_t ServedModel::num_steps() const { return session_->plan()->num_steps(); }

std::vector<TensorSpec> ServedModel::crossing(size_t cut) const {
  const Plan& plan = *session_->plan();
  std::vector<TensorSpec> specs;
  for (ValueId id : plan.crossing_values(cut)) {
    const Value& v = plan.graph().value(id);
    TensorSpec spec{v.name, v.dtype, {}, v.has_shape};
    for (const SymDim& d : v.shape) spec.shape.push_back(d.known() ? d.size : -1);
    specs.push_back(std::move(spec));
  }
  return specs;
}

Status ServedModel::check_inputs(size_t cut, const std::vector<NamedTensor>& inputs) const {
  const std::vector<TensorSpec> specs = crossing(cut);
  std::map<std::string, const TensorSpec*> by_name;
  for (const TensorSpec& s : specs) by_name[s.name] = &s;
  std::map<std::string, int> seen;
  for (const NamedTensor& in : inputs) {
    auto it = by_name.find(in.name);
    if (it == by_name.end()) {
      return invalid_argument("input '" + in.name + "' is not taken at step " + std::to_string(cut));
    }
    if (++seen[in.name] > 1) return invalid_argument("input '" + in.name + "' given twice");
    const TensorSpec& s = *it->second;
    if (s.dtype != DType::kUndefined && s.dtype != in.tensor.dtype()) {
      return invalid_argument("input '" + in.name + "' is " + dtype_name(in.tensor.dtype()) + ", the model takes " +
                              dtype_name(s.dtype));
    }
    if (s.has_shape && !dims_match(s.shape, in.tensor.shape())) {
      return invalid_argument("input '" + in.name + "' has shape " + shape_to_string(in.tensor.shape()) +
                              ", the model takes " + shape_to_string(s.shape));
    }
  }
  for (const TensorSpec& s : specs) {
    if (seen.count(s.name) == 0) {
      return invalid_argument("missing input '" + s.name + "' (taken at step " + std::to_string(cut) + ")");
    }
  }
  return Status::Ok();
}

Status ServedModel::run(size_t first, size_t last, const std::vector<NamedTensor>& inputs,
                        std::vector<NamedTensor>* outputs, std::vector<double>* step_ms, double* queue_ms) {
  const auto t_wait = std::chrono::steady_clock::now();
  std::lock_guard<std::mutex> lock(mutex_);
  *queue_ms = ms_since(t_wait);
  return session_->run_steps(first, last, inputs, outputs, step_ms);
}

}  // namespace edgerun::serve
