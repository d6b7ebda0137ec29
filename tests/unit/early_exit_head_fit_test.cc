// Exit-head fitting (operators/early_exit/head_fit.h): softmax regression recovers a known linear
// softmax model from its own probabilities, honours soft targets, does not depend on feature scale,
// and refuses bad input.
#include <doctest/doctest.h>

#include <cmath>
#include <random>

#include "operators/early_exit/head_fit.h"

namespace edgerun::early_exit {
namespace {

struct Problem {
  std::vector<float> features, targets;
  int64_t rows = 0, d = 0, c = 0;
};

std::vector<float> softmax_of(const std::vector<float>& w, const std::vector<float>& b, const float* x, int64_t d,
                              int64_t c) {
  std::vector<float> p(static_cast<size_t>(c));
  float top = -INFINITY;
  for (int64_t k = 0; k < c; ++k) {
    float z = b[static_cast<size_t>(k)];
    for (int64_t j = 0; j < d; ++j) z += w[static_cast<size_t>(k * d + j)] * x[j];
    p[static_cast<size_t>(k)] = z;
    top = std::max(top, z);
  }
  float sum = 0;
  for (float& v : p) sum += v = std::exp(v - top);
  for (float& v : p) v /= sum;
  return p;
}

// Features with per-column offsets and scales; targets the probabilities of a known linear model.
Problem teacher_problem(int64_t rows, uint64_t seed) {
  Problem p{{}, {}, rows, 5, 3};
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> normal(0.f, 1.f);
  const std::vector<float> w = {2, -1, 0, 0.5f, 1, -1, 2, 1, 0, -0.5f, 0, 0.5f, -2, 1, 0};
  const std::vector<float> b = {0.2f, -0.1f, 0};
  const float offset[] = {10, -3, 0, 100, 1}, scale[] = {0.01f, 5, 1, 50, 0.2f};
  for (int64_t r = 0; r < rows; ++r) {
    float x[5];
    for (int j = 0; j < 5; ++j) x[j] = normal(rng);
    const std::vector<float> probs = softmax_of(w, b, x, 5, 3);
    for (int j = 0; j < 5; ++j) p.features.push_back(offset[j] + scale[j] * x[j]);
    p.targets.insert(p.targets.end(), probs.begin(), probs.end());
  }
  return p;
}

double mean_abs_probability_error(const LinearHead& head, const Problem& p) {
  double err = 0;
  for (int64_t r = 0; r < p.rows; ++r) {
    const std::vector<float> got = softmax_of(head.weight, head.bias, p.features.data() + r * p.d, p.d, p.c);
    for (int64_t k = 0; k < p.c; ++k) err += std::fabs(got[static_cast<size_t>(k)] - p.targets[static_cast<size_t>(r * p.c + k)]);
  }
  return err / static_cast<double>(p.rows * p.c);
}

TEST_CASE("early exit: softmax regression recovers a teacher's probabilities on raw, unscaled features") {
  const Problem p = teacher_problem(2000, 1);
  FitOptions options;
  options.iterations = 400;
  options.l2 = 0;
  FitReport report;
  auto head = fit_softmax_regression(p.features, p.targets, p.rows, p.d, p.c, options, &report);
  REQUIRE_MESSAGE(head.ok(), head.status().to_string());
  CHECK(head->features == 5);
  CHECK(head->classes == 3);
  CHECK(report.final_loss < report.initial_loss);
  CHECK(report.initial_loss == doctest::Approx(std::log(3.0)).epsilon(1e-6));  // zero weights: uniform
  CHECK(report.target_agreement > 0.97);
  CHECK(mean_abs_probability_error(*head, p) < 0.02);
  // Held-out rows of the same teacher: the head generalises, it did not memorise.
  CHECK(mean_abs_probability_error(*head, teacher_problem(500, 2)) < 0.03);
}

TEST_CASE("early exit: the same target distribution everywhere gives a bias-only head") {
  Problem p = teacher_problem(300, 3);
  for (int64_t r = 0; r < p.rows; ++r) {
    p.targets[static_cast<size_t>(r * 3)] = 0.7f;
    p.targets[static_cast<size_t>(r * 3 + 1)] = 0.2f;
    p.targets[static_cast<size_t>(r * 3 + 2)] = 0.1f;
  }
  FitOptions options;
  options.iterations = 300;
  auto head = fit_softmax_regression(p.features, p.targets, p.rows, p.d, p.c, options);
  REQUIRE(head.ok());
  const std::vector<float> probs = softmax_of(head->weight, head->bias, p.features.data(), p.d, p.c);
  CHECK(probs[0] == doctest::Approx(0.7).epsilon(0.02));
  CHECK(probs[1] == doctest::Approx(0.2).epsilon(0.05));
  CHECK(probs[2] == doctest::Approx(0.1).epsilon(0.05));
}

TEST_CASE("early exit: fitting is deterministic and blind to a feature's scale and offset") {
  const Problem p = teacher_problem(500, 4);
  Problem scaled = p;
  for (int64_t r = 0; r < p.rows; ++r) scaled.features[static_cast<size_t>(r * p.d + 2)] = p.features[static_cast<size_t>(r * p.d + 2)] * 1000 + 7;
  const FitOptions options;
  auto a = fit_softmax_regression(p.features, p.targets, p.rows, p.d, p.c, options).value();
  auto again = fit_softmax_regression(p.features, p.targets, p.rows, p.d, p.c, options).value();
  auto b = fit_softmax_regression(scaled.features, scaled.targets, p.rows, p.d, p.c, options).value();
  CHECK(a.weight == again.weight);
  CHECK(a.bias == again.bias);
  for (int64_t r = 0; r < p.rows; r += 50) {
    const auto pa = softmax_of(a.weight, a.bias, p.features.data() + r * p.d, p.d, p.c);
    const auto pb = softmax_of(b.weight, b.bias, scaled.features.data() + r * p.d, p.d, p.c);
    for (int k = 0; k < 3; ++k) CHECK(pa[static_cast<size_t>(k)] == doctest::Approx(pb[static_cast<size_t>(k)]).epsilon(1e-3));
  }
}

TEST_CASE("early exit: one-hot labels of separable classes are fitted exactly") {
  Problem p{{}, {}, 200, 2, 2};
  for (int64_t r = 0; r < p.rows; ++r) {
    const float side = r % 2 ? 1.f : -1.f;
    p.features.insert(p.features.end(), {side * (1 + 0.01f * static_cast<float>(r)), 0.3f * static_cast<float>(r % 7)});
    p.targets.insert(p.targets.end(), {side < 0 ? 1.f : 0.f, side < 0 ? 0.f : 1.f});
  }
  FitReport report;
  REQUIRE(fit_softmax_regression(p.features, p.targets, p.rows, p.d, p.c, FitOptions{}, &report).ok());
  CHECK(report.target_agreement == 1.0);
}

TEST_CASE("early exit: head fitting refuses bad input with the reason") {
  const Problem p = teacher_problem(10, 5);
  auto fails = [](const Result<LinearHead>& r, const std::string& what) {
    REQUIRE_FALSE(r.ok());
    CHECK_MESSAGE(r.status().message().find(what) != std::string::npos, r.status().message());
  };
  std::vector<float> nan = p.features;
  nan[7] = NAN;
  fails(fit_softmax_regression(nan, p.targets, p.rows, p.d, p.c, {}), "feature 7 is not finite");
  std::vector<float> half = p.targets;
  for (float& t : half) t *= 0.5f;
  fails(fit_softmax_regression(p.features, half, p.rows, p.d, p.c, {}), "target row 0 sums to");
  fails(fit_softmax_regression(p.features, p.targets, p.rows + 1, p.d, p.c, {}), "for 11 rows");
  fails(fit_softmax_regression(p.features, p.targets, p.rows, p.d, 1, {}), "2 classes");
}

}  // namespace
}  // namespace edgerun::early_exit
