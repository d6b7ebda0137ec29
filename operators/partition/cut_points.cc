#include "operators/partition/cut_points.h"

#include <string>

#include "graph/passes/infer_shapes.h"

namespace edgerun::partition {

Result<CutPoint> cut_at(const Plan& plan, size_t step) {
  if (step > plan.num_steps()) {
    return out_of_range("cut " + std::to_string(step) + " is past the plan's " + std::to_string(plan.num_steps()) +
                        " steps");
  }
  CutPoint cut;
  cut.step = step;
  cut.after = step == 0 ? "(input)" : plan.step_node(step - 1).name;
  for (ValueId id : plan.crossing_values(step)) {
    const Value& v = plan.graph().value(id);
    const std::string where = "cut " + std::to_string(step) + " (after " + cut.after + "): '" + v.name + "'";
    if (!v.has_shape) return unsupported(where + " has a shape known only at run time: it cannot be shipped");
    const Shape shape = concrete_shape(v);
    for (int64_t d : shape) {
      if (d < 0) return unsupported(where + " has the unbound shape " + shape_to_string(shape));
    }
    const size_t element = dtype_size(v.dtype);
    if (element == 0) return unsupported(where + " has element type " + dtype_name(v.dtype) + " of no fixed size");
    cut.tensors.push_back(v.name);
    cut.dtypes.push_back(v.dtype);
    cut.shapes.push_back(shape);
    cut.bytes += num_elements(shape) * static_cast<int64_t>(element);
  }
  return cut;
}

std::vector<CutPoint> enumerate_cuts(const Plan& plan) {
  std::vector<CutPoint> cuts;
  for (size_t step = 0; step <= plan.num_steps(); ++step) {
    Result<CutPoint> cut = cut_at(plan, step);
    if (cut.ok()) cuts.push_back(std::move(*cut));
  }
  return cuts;
}

}  // namespace edgerun::partition
