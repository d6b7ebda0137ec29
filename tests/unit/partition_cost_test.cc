// The partition cost model (operators/partition/cost_model.h) on hand-computed numbers.
#include <doctest/doctest.h>

#include <limits>

#include "operators/partition/cost_model.h"

namespace edgerun::partition {
namespace {

CutPoint cut(size_t step, int64_t bytes) {
  CutPoint c;
  c.step = step;
  c.bytes = bytes;
  return c;
}

// Three steps. Link(first): 100 Mbit/s, rtt 4 ms; link(second): 10 Mbit/s, rtt 10 ms. Per message and
// hop 0.5 ms plus 1e-5 ms per byte. 12500 bytes in (0.1 Mbit), 1250 bytes out (0.01 Mbit).
CostInputs three_steps() {
  CostInputs in;
  in.head_step_ms = {1.0, 2.0, 30.0};
  in.tail_step_ms = {0.5, 1.0, 1.5};
  in.first_link = {100.0, 4.0};
  in.second_link = {10.0, 10.0};
  in.input_bytes = 12500;
  in.output_bytes = 1250;
  in.overhead = {0.5, 1e-5};
  return in;
}

const std::vector<CutPoint> kCuts = {cut(0, 12500), cut(1, 125000), cut(2, 1250), cut(3, 1250)};

TEST_CASE("partition cost: a tier's step profile is the per-step mean over runs") {
  auto mean = mean_step_ms({{1.0, 2.0, 3.0}, {3.0, 2.0, 9.0}});
  REQUIRE(mean.ok());
  CHECK(*mean == std::vector<double>{2.0, 2.0, 6.0});
  CHECK(!mean_step_ms({}).ok());
  CHECK(mean_step_ms({{1.0, 2.0}, {1.0}}).status().message().find("run 1 has 1 steps") != std::string::npos);
  CHECK(!mean_step_ms({{1.0, -2.0}}).ok());
}

TEST_CASE("partition cost: one link traversal is rtt/2 + bits/bandwidth + overheads") {
  // 2 ms + 0.1 Mbit / 100 Mbit/s = 1 ms + 0.5 ms + 12500 * 1e-5 ms.
  CHECK(traversal_ms({100.0, 4.0}, {0.5, 1e-5}, 12500) == doctest::Approx(3.625));
  CHECK(traversal_ms({1.0, 0.0}, {}, 125000) == doctest::Approx(1000.0));  // 1 Mbit over 1 Mbit/s
}

TEST_CASE("partition cost: head, transfer and tail per cut along the client-first-second chain") {
  auto costs = predict_costs(kCuts, three_steps());
  REQUIRE(costs.ok());
  REQUIRE(costs->size() == 4);
  // Client hops (every cut): in 2 + 1 + 0.5 + 0.125 = 3.625, out 2 + 0.1 + 0.5 + 0.0125 = 2.6125.
  // Second link, outputs back: 5 + 1 + 0.5 + 0.0125 = 6.5125.
  const double client = 3.625 + 2.6125;
  const double back = 6.5125;
  // Cut 0: the input relayed, 5 + 10 + 0.5 + 0.125 = 15.625; all three steps on the second tier.
  CHECK((*costs)[0].step == 0);
  CHECK((*costs)[0].head_ms == doctest::Approx(0.0));
  CHECK((*costs)[0].tail_ms == doctest::Approx(3.0));
  CHECK((*costs)[0].transfer_ms == doctest::Approx(client + 15.625 + back));
  CHECK((*costs)[0].total_ms == doctest::Approx(31.375));
  // Cut 1: 1 Mbit crosses: 5 + 100 + 0.5 + 1.25 = 106.75.
  CHECK((*costs)[1].head_ms == doctest::Approx(1.0));
  CHECK((*costs)[1].tail_ms == doctest::Approx(2.5));
  CHECK((*costs)[1].transfer_ms == doctest::Approx(client + 106.75 + back));
  CHECK((*costs)[1].total_ms == doctest::Approx(123.0));
  // Cut 2: 1250 bytes cross, as many as come back.
  CHECK((*costs)[2].total_ms == doctest::Approx(3.0 + client + 2 * back + 1.5));
  // Cut 3 = N: all on the first tier, link(second) untouched.
  CHECK((*costs)[3].head_ms == doctest::Approx(33.0));
  CHECK((*costs)[3].tail_ms == doctest::Approx(0.0));
  CHECK((*costs)[3].transfer_ms == doctest::Approx(client));
  CHECK((*costs)[3].total_ms == doctest::Approx(39.2375));
  for (const CutCost& c : *costs) CHECK(c.total_ms == doctest::Approx(c.head_ms + c.transfer_ms + c.tail_ms));

  auto best = choose_best(*costs);
  REQUIRE(best.ok());
  CHECK(*best == 2);
  // A fast first tier keeps everything there.
  CostInputs fast = three_steps();
  fast.head_step_ms = {0.1, 0.1, 0.1};
  CHECK(choose_best(predict_costs(kCuts, fast).value()).value() == 3);
}

TEST_CASE("partition cost: choose_best takes the first of equal totals") {
  std::vector<CutCost> costs(3);
  costs[0].total_ms = 5.0;
  costs[1].total_ms = 2.0;
  costs[2].total_ms = 2.0;
  CHECK(choose_best(costs).value() == 1);
  CHECK(!choose_best({}).ok());
}

TEST_CASE("partition cost: median and max absolute percent error against measurements") {
  auto costs = predict_costs(kCuts, three_steps());
  REQUIRE(costs.ok());
  // Measured = predicted / (1 + e): errors of 5, 20, 10 and 0 percent.
  const std::vector<double> e = {0.05, 0.20, 0.10, 0.0};
  std::vector<double> measured;
  for (size_t i = 0; i < e.size(); ++i) measured.push_back((*costs)[i].total_ms / (1.0 + e[i]));
  auto summary = prediction_error(*costs, measured);
  REQUIRE(summary.ok());
  CHECK(summary->median_abs_pct == doctest::Approx(7.5));  // (5 + 10) / 2
  CHECK(summary->max_abs_pct == doctest::Approx(20.0));
  CHECK(summary->worst == 1);
  // Odd count: the middle one. Over-prediction and under-prediction count alike.
  std::vector<CutCost> three(costs->begin(), costs->begin() + 3);
  measured = {three[0].total_ms / 1.05, three[1].total_ms / 0.8, three[2].total_ms / 1.1};
  summary = prediction_error(three, measured);
  REQUIRE(summary.ok());
  CHECK(summary->median_abs_pct == doctest::Approx(10.0));
  CHECK(summary->max_abs_pct == doctest::Approx(20.0));  // |p - p/0.8| / (p/0.8) = 0.25 / 1.25
}

TEST_CASE("partition cost: bad inputs are errors, not crashes") {
  CostInputs in = three_steps();
  in.tail_step_ms.pop_back();
  CHECK(predict_costs(kCuts, in).status().message().find("differ in length") != std::string::npos);
  in = three_steps();
  in.head_step_ms[1] = -1.0;
  CHECK(predict_costs(kCuts, in).status().message().find("first tier: step 1") != std::string::npos);
  in = three_steps();
  in.tail_step_ms[0] = std::numeric_limits<double>::quiet_NaN();
  CHECK(!predict_costs(kCuts, in).ok());
  in = three_steps();
  in.second_link.bandwidth_mbit = 0.0;
  CHECK(predict_costs(kCuts, in).status().message().find("second link: bandwidth") != std::string::npos);
  in = three_steps();
  in.first_link.rtt_ms = -2.0;
  CHECK(!predict_costs(kCuts, in).ok());
  in = three_steps();
  in.output_bytes = -1;
  CHECK(!predict_costs(kCuts, in).ok());
  CHECK(predict_costs({cut(4, 10)}, three_steps()).status().message().find("past the last step") != std::string::npos);
  CHECK(!predict_costs({cut(1, -5)}, three_steps()).ok());

  auto costs = predict_costs(kCuts, three_steps());
  REQUIRE(costs.ok());
  CHECK(!prediction_error(*costs, {1.0, 2.0}).ok());
  CHECK(!prediction_error({}, {}).ok());
  CHECK(prediction_error(*costs, {1.0, 0.0, 1.0, 1.0}).status().message().find("not positive") != std::string::npos);
}

}  // namespace
}  // namespace edgerun::partition
