// Exit head fitting (operators/early_exit/head_fit.h): the loss gradient against finite differences,
// recovery of known linear softmax models, soft targets, standardization and input checks.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "operators/early_exit/head_fit.h"
#include "operators/early_exit/softmax_loss.h"

namespace edgerun::early_exit {
namespace {

std::vector<float> gaussian(size_t n, uint32_t seed, float sd = 1.0f) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0f, sd);
  std::vector<float> v(n);
  for (float& x : v) x = normal(rng);
  return v;
}

// Row-wise logits of a [classes, features] head, in double.
std::vector<double> logits_of(const std::vector<float>& x, int64_t rows, int64_t features, const LinearHead& head) {
  std::vector<double> z(static_cast<size_t>(rows * head.classes));
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t c = 0; c < head.classes; ++c) {
      double sum = head.bias[c];
      for (int64_t f = 0; f < features; ++f)
        sum += static_cast<double>(head.weight[c * features + f]) * x[r * features + f];
      z[r * head.classes + c] = sum;
    }
  }
  return z;
}

std::vector<double> softmax_rows(const std::vector<double>& z, int64_t classes) {
  std::vector<double> p(z.size());
  for (size_t r = 0; r < z.size(); r += classes) {
    const double top = *std::max_element(z.begin() + r, z.begin() + r + classes);
    double sum = 0;
    for (int64_t c = 0; c < classes; ++c) sum += p[r + c] = std::exp(z[r + c] - top);
    for (int64_t c = 0; c < classes; ++c) p[r + c] /= sum;
  }
  return p;
}

int64_t argmax(const double* v, int64_t n) { return std::max_element(v, v + n) - v; }

// Features with very different per-column scales and offsets, column 2 constant; the true logits are a
// random linear map of the features (not using column 2).
struct Synthetic {
  int64_t rows = 0, features = 0, classes = 0;
  std::vector<float> x;
  std::vector<double> probabilities;  // softmax of the true logits
};
Synthetic synthetic(int64_t rows, int64_t features, int64_t classes, uint32_t seed, uint32_t model_seed) {
  Synthetic s{rows, features, classes, gaussian(rows * features, seed), {}};
  std::vector<float> w = gaussian(classes * features, model_seed, 1.5f);
  for (int64_t c = 0; c < classes; ++c) w[c * features + 2] = 0;
  const std::vector<float> b = gaussian(classes, model_seed + 1);
  LinearHead truth{features, classes, w, b};
  const std::vector<double> z = logits_of(s.x, rows, features, truth);
  s.probabilities = softmax_rows(z, classes);
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t f = 0; f < features; ++f) {
      float& v = s.x[r * features + f];
      v = f == 2 ? 7.0f : v * std::pow(10.0f, static_cast<float>(f % 5) - 2) + 10.0f * static_cast<float>(f);
    }
  }
  return s;
}

std::vector<float> as_float(const std::vector<double>& v) { return std::vector<float>(v.begin(), v.end()); }

TEST_CASE("early exit: softmax loss and gradient against a direct computation and finite differences") {
  const int64_t rows = 37, F = 11, C = 4;  // a partial group of rows, features past one lane block
  const std::vector<float> x = gaussian(rows * F, 1);
  const std::vector<float> noise = gaussian(rows * C, 2);
  const std::vector<float> targets = as_float(softmax_rows(std::vector<double>(noise.begin(), noise.end()), C));
  std::vector<float> weight = gaussian(C * F, 3, 0.5f), bias = gaussian(C, 4, 0.5f);
  const double l2 = 0.05;
  SoftmaxObjective objective(x.data(), targets.data(), rows, F, C, l2, 1);
  std::vector<float> grad_weight(C * F), grad_bias(C);
  const SoftmaxLoss loss = objective.evaluate(weight.data(), bias.data(), grad_weight.data(), grad_bias.data());

  const std::vector<double> z = logits_of(x, rows, F, LinearHead{F, C, weight, bias});
  const std::vector<double> p = softmax_rows(z, C);
  double ce = 0, norm = 0;
  int64_t agree = 0;
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t c = 0; c < C; ++c) ce -= targets[r * C + c] * std::log(p[r * C + c]);
    const std::vector<double> t(targets.begin() + r * C, targets.begin() + (r + 1) * C);
    agree += argmax(&z[r * C], C) == argmax(t.data(), C);
  }
  for (float w : weight) norm += static_cast<double>(w) * w;
  CHECK(loss.cross_entropy == doctest::Approx(ce / rows).epsilon(1e-5));
  CHECK(loss.objective == doctest::Approx(ce / rows + 0.5 * l2 * norm).epsilon(1e-5));
  CHECK(loss.agreeing_rows == agree);

  // Central differences of the objective, one parameter at a time.
  const auto check = [&](std::vector<float>* params, const std::vector<float>& grad) {
    for (size_t i = 0; i < params->size(); ++i) {
      const float saved = (*params)[i], h = 1e-2f;
      (*params)[i] = saved + h;
      const double up = objective.evaluate(weight.data(), bias.data(), nullptr, nullptr).objective;
      (*params)[i] = saved - h;
      const double down = objective.evaluate(weight.data(), bias.data(), nullptr, nullptr).objective;
      (*params)[i] = saved;
      CHECK(grad[i] == doctest::Approx((up - down) / (2 * h)).epsilon(1e-3).scale(1.0));
    }
  };
  check(&weight, grad_weight);
  check(&bias, grad_bias);
}

TEST_CASE("early exit: head fit recovers a known linear softmax model from its probabilities") {
  const Synthetic s = synthetic(3000, 16, 5, 5, 6);
  FitReport report;
  const LinearHead head =
      fit_softmax_regression(s.x, as_float(s.probabilities), s.rows, s.features, s.classes, {}, &report).value();
  REQUIRE(head.weight.size() == 16 * 5);
  REQUIRE(head.bias.size() == 5);
  CHECK(report.initial_loss == doctest::Approx(std::log(5.0)).epsilon(1e-5));  // the zero head: uniform

  // The report describes the returned head on the raw features.
  const std::vector<double> p = softmax_rows(logits_of(s.x, s.rows, s.features, head), s.classes);
  double ce = 0, entropy = 0;
  int64_t agree = 0;
  for (int64_t r = 0; r < s.rows; ++r) {
    for (int64_t c = 0; c < s.classes; ++c) {
      const double t = s.probabilities[r * s.classes + c];
      ce -= t * std::log(p[r * s.classes + c]);
      entropy -= t * std::log(t);
    }
    agree += argmax(&p[r * s.classes], s.classes) == argmax(&s.probabilities[r * s.classes], s.classes);
  }
  CHECK(report.final_loss == doctest::Approx(ce / s.rows).epsilon(1e-4));
  // The report computes logits in float: a row at a near tie may go the other way.
  CHECK(report.target_agreement == doctest::Approx(static_cast<double>(agree) / s.rows).epsilon(2e-3));
  CHECK(report.target_agreement > 0.95);
  CHECK(report.final_loss < report.initial_loss);
  CHECK(report.final_loss < entropy / s.rows + 0.05);  // near the best possible: the targets' own entropy
  for (int64_t c = 0; c < s.classes; ++c) CHECK(head.weight[c * s.features + 2] == 0.0f);  // the constant column
}

TEST_CASE("early exit: head fit on one-hot labels sampled from a known model predicts its argmax") {
  const Synthetic train = synthetic(4000, 12, 4, 7, 8);
  std::mt19937 rng(9);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  std::vector<float> labels(train.probabilities.size(), 0.0f);
  for (int64_t r = 0; r < train.rows; ++r) {
    double u = uniform(rng);
    int64_t c = 0;
    while (c + 1 < train.classes && (u -= train.probabilities[r * train.classes + c]) > 0) ++c;
    labels[r * train.classes + c] = 1.0f;
  }
  const LinearHead head =
      fit_softmax_regression(train.x, labels, train.rows, train.features, train.classes, {}).value();
  const Synthetic test = synthetic(2000, 12, 4, 10, 8);  // fresh rows, same model
  const std::vector<double> z = logits_of(test.x, test.rows, test.features, head);
  int64_t agree = 0;
  for (int64_t r = 0; r < test.rows; ++r) {
    agree += argmax(&z[r * test.classes], test.classes) == argmax(&test.probabilities[r * test.classes], test.classes);
  }
  CHECK(static_cast<double>(agree) / test.rows > 0.9);
}

TEST_CASE("early exit: head fit to one distribution for every row gives bias-only logits") {
  const int64_t rows = 500, F = 6, C = 3;
  const std::vector<float> x = gaussian(rows * F, 11, 3.0f);
  const std::vector<float> target = {0.5f, 0.3f, 0.2f};
  std::vector<float> targets;
  for (int64_t r = 0; r < rows; ++r) targets.insert(targets.end(), target.begin(), target.end());
  FitReport report;
  const LinearHead head = fit_softmax_regression(x, targets, rows, F, C, {}, &report).value();
  // Adam scales even the rounding noise of a zero gradient to finite steps: weights stay near 0, not at 0.
  for (float w : head.weight) CHECK(std::abs(w) < 1e-2f);
  const std::vector<double> from_bias = softmax_rows(std::vector<double>(head.bias.begin(), head.bias.end()), C);
  for (int64_t c = 0; c < C; ++c) CHECK(from_bias[c] == doctest::Approx(target[c]).epsilon(1e-4));
  const std::vector<double> p = softmax_rows(logits_of(x, rows, F, head), C);
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t c = 0; c < C; ++c) CHECK(p[r * C + c] == doctest::Approx(target[c]).epsilon(0.01));
  }
}

TEST_CASE("early exit: head fit is invariant to per-feature scale and offset") {
  const int64_t rows = 800, F = 8, C = 3;
  std::vector<float> x = gaussian(rows * F, 12);
  for (int64_t r = 0; r < rows; ++r) x[r * F + 2] = 7.0f;  // a constant column
  const Synthetic model = synthetic(rows, F, C, 12, 13);   // only its probabilities, as targets
  const std::vector<float> targets = as_float(model.probabilities);
  // scale * (x + offset): offsets in proportion to the spread, so that float keeps x's precision.
  const float scale[] = {1e3f, 1e-3f, 4.0f, -2.0f, 0.5f, 30.0f, 1.0f, 0.01f};
  std::vector<float> scaled = x;
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t f = 0; f < F; ++f) scaled[r * F + f] = scale[f] * (x[r * F + f] + static_cast<float>(f - 4));
  }
  const LinearHead a = fit_softmax_regression(x, targets, rows, F, C, {}).value();
  const LinearHead b = fit_softmax_regression(scaled, targets, rows, F, C, {}).value();
  const std::vector<double> za = logits_of(x, rows, F, a), zb = logits_of(scaled, rows, F, b);
  for (size_t i = 0; i < za.size(); ++i) CHECK(zb[i] == doctest::Approx(za[i]).epsilon(1e-3).scale(1.0));
  for (int64_t c = 0; c < C; ++c) {
    for (int64_t f = 0; f < F; ++f) {
      CHECK(b.weight[c * F + f] * scale[f] == doctest::Approx(a.weight[c * F + f]).epsilon(1e-3).scale(1.0));
    }
  }
}

TEST_CASE("early exit: head fit does not depend on the thread count") {
  const Synthetic s = synthetic(2600, 10, 4, 14, 15);  // three chunks of rows
  const std::vector<float> targets = as_float(s.probabilities);
  FitOptions one, two;
  one.iterations = two.iterations = 30;
  two.threads = 2;
  const LinearHead a = fit_softmax_regression(s.x, targets, s.rows, s.features, s.classes, one).value();
  const LinearHead b = fit_softmax_regression(s.x, targets, s.rows, s.features, s.classes, two).value();
  CHECK(a.weight == b.weight);
  CHECK(a.bias == b.bias);
}

TEST_CASE("early exit: head fit rejects bad input") {
  const int64_t rows = 4, F = 3, C = 2;
  const std::vector<float> x = gaussian(rows * F, 16);
  const std::vector<float> t = {1, 0, 0.5f, 0.5f, 0.25f, 0.75f, 0, 1};
  const auto message = [&](std::vector<float> features, std::vector<float> targets, FitOptions options = {}) {
    auto result = fit_softmax_regression(features, targets, rows, F, C, options);
    REQUIRE_FALSE(result.ok());
    return result.status().message();
  };
  REQUIRE(fit_softmax_regression(x, t, rows, F, C, {}).ok());
  CHECK(fit_softmax_regression(x, t, 0, F, C, {}).status().message().find("must be positive") != std::string::npos);
  CHECK(message(std::vector<float>(x.begin(), x.end() - 1), t).find("features has 11 values") != std::string::npos);
  CHECK(message(x, std::vector<float>(t.begin(), t.end() - 2)).find("targets has 6 values") != std::string::npos);
  std::vector<float> bad = x;
  bad[4] = std::nanf("");
  CHECK(message(bad, t).find("feature 1 of row 1 is not finite") != std::string::npos);
  bad = x;
  bad[0] = INFINITY;
  CHECK(message(bad, t).find("not finite") != std::string::npos);
  std::vector<float> bad_t = t;
  bad_t[3] = std::nanf("");
  CHECK(message(x, bad_t).find("target 1 of row 1") != std::string::npos);
  bad_t = t;
  bad_t[4] = -0.25f;
  bad_t[5] = 1.25f;
  CHECK(message(x, bad_t).find("target 0 of row 2") != std::string::npos);
  bad_t = t;
  bad_t[6] = 0.1f;  // row 3 sums to 1.1
  CHECK(message(x, bad_t).find("row 3 sum to 1.1") != std::string::npos);
  FitOptions options;
  options.learning_rate = 0;
  CHECK(message(x, t, options).find("learning_rate") != std::string::npos);
  options = {};
  options.iterations = -1;
  CHECK(message(x, t, options).find("iterations") != std::string::npos);
  options = {};
  options.threads = 0;
  CHECK(message(x, t, options).find("threads") != std::string::npos);
}

}  // namespace
}  // namespace edgerun::early_exit
