// Exit confidence and the threshold search (operators/early_exit/exit_thresholds.h) against hand
// computations and a brute-force search.
#include <doctest/doctest.h>

#include <cmath>
#include <random>

#include "operators/early_exit/exit_thresholds.h"

namespace edgerun::early_exit {
namespace {

TEST_CASE("early exit: exit scores are the max probability or entropy, averaged over positions") {
  const float two[] = {0.f, std::log(3.f)};  // probabilities 0.25, 0.75
  const double h = -(0.25 * std::log(0.25) + 0.75 * std::log(0.75));
  CHECK(exit_score(two, 2, 1, ExitRule::kMaxProb) == doctest::Approx(0.75));
  CHECK(exit_score(two, 2, 1, ExitRule::kEntropy) == doctest::Approx(h));
  // [classes, positions]: position 0 has logits (0, ln 3), position 1 (0, 0).
  const float pixels[] = {0.f, 0.f, std::log(3.f), 0.f};
  CHECK(exit_score(pixels, 2, 2, ExitRule::kMaxProb) == doctest::Approx((0.75 + 0.5) / 2));
  CHECK(exit_score(pixels, 2, 2, ExitRule::kEntropy) == doctest::Approx((h + std::log(2.0)) / 2));
  const float huge[] = {1000.f, 0.f, -1000.f};
  CHECK(exit_score(huge, 3, 1, ExitRule::kMaxProb) == doctest::Approx(1.0));
  CHECK(exit_score(huge, 3, 1, ExitRule::kEntropy) == doctest::Approx(0.0));
  CHECK(std::isfinite(exit_score(huge, 3, 1, ExitRule::kEntropy)));
}

TEST_CASE("early exit: confidence directions, never-firing thresholds and rule names") {
  CHECK(is_confident(0.9f, 0.8f, ExitRule::kMaxProb));
  CHECK_FALSE(is_confident(0.7f, 0.8f, ExitRule::kMaxProb));
  CHECK(is_confident(0.1f, 0.2f, ExitRule::kEntropy));
  CHECK_FALSE(is_confident(0.3f, 0.2f, ExitRule::kEntropy));
  CHECK_FALSE(is_confident(1.f, never_threshold(ExitRule::kMaxProb), ExitRule::kMaxProb));
  CHECK_FALSE(is_confident(0.f, never_threshold(ExitRule::kEntropy), ExitRule::kEntropy));
  CHECK(parse_exit_rule("entropy").value() == ExitRule::kEntropy);
  CHECK(std::string(exit_rule_name(ExitRule::kMaxProb)) == "max_prob");
  CHECK_FALSE(parse_exit_rule("margin").ok());
}

TEST_CASE("early exit: each sample takes its first confident exit") {
  const std::vector<std::vector<float>> scores = {{0.9f, 0.5f, 0.2f}, {0.1f, 0.8f, 0.3f}};
  CHECK(assign_exits(scores, {0.85f, 0.75f}, ExitRule::kMaxProb) == std::vector<int>{0, 1, 2});
  CHECK(assign_exits(scores, {0.0f, 0.0f}, ExitRule::kMaxProb) == std::vector<int>{0, 0, 0});
  CHECK(assign_exits(scores, {0.35f, 0.25f}, ExitRule::kEntropy) == std::vector<int>{1, 2, 0});
}

// Accuracy in percent: sample i is right at exit k when right[k][i] (k == exits: the final output).
double accuracy_of(const std::vector<std::vector<bool>>& right, const std::vector<int>& assignment) {
  double hits = 0;
  for (size_t i = 0; i < assignment.size(); ++i) hits += right[static_cast<size_t>(assignment[i])][i];
  return 100.0 * hits / static_cast<double>(assignment.size());
}

TEST_CASE("early exit: the threshold search keeps the budget and takes the most permissive exit 0") {
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> u(0, 1);
  for (int trial = 0; trial < 20; ++trial) {
    const size_t n = 40;
    std::vector<std::vector<float>> scores(2, std::vector<float>(n));
    std::vector<std::vector<bool>> right(3, std::vector<bool>(n));
    for (size_t i = 0; i < n; ++i) {
      for (size_t k = 0; k < 2; ++k) scores[k][i] = u(rng);
      // A confident exit is right more often, the final output mostly.
      right[0][i] = u(rng) < scores[0][i];
      right[1][i] = u(rng) < 0.5f + 0.5f * scores[1][i];
      right[2][i] = u(rng) < 0.95f;
    }
    ThresholdSearch search;
    search.scores = scores;
    search.max_drop_points = 5.0;
    int calls = 0;
    search.metric = [&](const std::vector<int>& a) {
      ++calls;
      REQUIRE(a.size() == n);
      return accuracy_of(right, a);
    };
    const ThresholdChoice choice = choose_thresholds(search).value();
    const double reference = accuracy_of(right, std::vector<int>(n, 2));
    CHECK(choice.reference_metric == reference);
    CHECK(choice.metric >= reference - 5.0);
    CHECK(choice.metric == accuracy_of(right, assign_exits(scores, choice.thresholds, ExitRule::kMaxProb)));
    double rates = 0;
    for (double r : choice.exit_rates) rates += r;
    CHECK(rates == doctest::Approx(1.0));
    // Brute force over every threshold of exit 0 (exit 1 never firing): none lower than the chosen one
    // keeps the budget.
    const float never = never_threshold(ExitRule::kMaxProb);
    for (float t : scores[0]) {
      if (t >= choice.thresholds[0]) continue;
      CHECK(accuracy_of(right, assign_exits(scores, {t, never}, ExitRule::kMaxProb)) < reference - 5.0);
    }
    CHECK(calls > 2);
  }
}

TEST_CASE("early exit: with no budget an exit only takes samples it gets right as the final output does") {
  const std::vector<std::vector<float>> scores = {{0.9f, 0.8f, 0.3f, 0.2f}};
  const std::vector<std::vector<bool>> right = {{true, false, true, true}, {true, true, true, true}};
  ThresholdSearch search;
  search.scores = scores;
  search.max_drop_points = 0;
  search.metric = [&](const std::vector<int>& a) { return accuracy_of(right, a); };
  const ThresholdChoice choice = choose_thresholds(search).value();
  CHECK(choice.thresholds[0] == doctest::Approx(0.9f));  // 0.8 would take the wrong sample 1
  CHECK(choice.exit_rates == std::vector<double>{0.25, 0.75});
  CHECK(choice.metric == 100.0);
}

TEST_CASE("early exit: the threshold search refuses empty or ragged input") {
  ThresholdSearch search;
  search.metric = [](const std::vector<int>&) { return 0.0; };
  CHECK_FALSE(choose_thresholds(search).ok());
  search.scores = {{0.5f, 0.6f}, {0.5f}};
  CHECK_FALSE(choose_thresholds(search).ok());
  search.scores = {{0.5f}};
  search.metric = nullptr;
  CHECK_FALSE(choose_thresholds(search).ok());
}

}  // namespace
}  // namespace edgerun::early_exit
