// The partition pipeline the tools run, in process: per-step profiles from Session::run_steps feed the
// cost model over every cut of a small model. Only orderings that no timing noise can flip are
// asserted (a head tier 1000x slower than the tail, a link too slow for anything but the outputs).
#include <doctest/doctest.h>

#include "engine/plan.h"
#include "engine/session.h"
#include "models/zoo/zoo.h"
#include "operators/partition/partition.h"

namespace edgerun::partition {
namespace {

TEST_CASE("partition profile: Session::run_steps step times feed the cost model for every cut") {
  zoo::BuildOptions o;
  o.image_size = 32;
  auto graph = zoo::build_zoo_model("resnet50", o);
  REQUIRE(graph.ok());
  auto session = Session::from_graph(std::move(graph).value());
  REQUIRE(session.ok());
  Session& s = **session;
  auto shapes = s.default_input_shapes();
  REQUIRE(shapes.ok());
  REQUIRE(s.prepare(*shapes).ok());
  const Plan& plan = *s.plan();
  const size_t n = plan.num_steps();

  Tensor image = Tensor::allocate(DType::kF32, shapes->at("input")).value();
  for (int64_t i = 0; i < image.num_elements(); ++i) image.data<float>()[i] = static_cast<float>(i % 11) / 11.0f;
  std::vector<std::vector<double>> runs;
  for (int r = 0; r < 3; ++r) {
    std::vector<NamedTensor> outputs;
    std::vector<double> step_ms;
    REQUIRE(s.run_steps(0, n, {{"input", image}}, &outputs, &step_ms).ok());
    REQUIRE(step_ms.size() == n);
    runs.push_back(step_ms);
  }
  auto profile = mean_step_ms(runs);
  REQUIRE(profile.ok());

  const std::vector<CutPoint> cuts = enumerate_cuts(plan);
  REQUIRE(cuts.size() == n + 1);  // every shape in a CNN is static
  CostInputs in;
  in.tail_step_ms = *profile;
  for (double ms : *profile) in.head_step_ms.push_back(ms * 1000.0);
  in.first_link = {1e6, 0.0};
  in.second_link = {1e6, 0.0};
  in.input_bytes = cuts.front().bytes;
  in.output_bytes = cuts.back().bytes;
  auto costs = predict_costs(cuts, in);
  REQUIRE(costs.ok());
  REQUIRE(costs->size() == cuts.size());
  CHECK((*costs)[choose_best(*costs).value()].step == 0);  // a 1000x slower first tier runs nothing

  in.head_step_ms = *profile;
  in.second_link = {1e-3, 0.0};  // 1 kbit/s: anything but cut N waits seconds per kilobyte
  costs = predict_costs(cuts, in);
  REQUIRE(costs.ok());
  CHECK((*costs)[choose_best(*costs).value()].step == n);
}

}  // namespace
}  // namespace edgerun::partition
