#include "operators/early_exit/head_fit.h"

#include <cmath>
#include <string>

#include "operators/early_exit/softmax_loss.h"

namespace edgerun::early_exit {

namespace {

// Adam's usual constants.
constexpr double kBeta1 = 0.9, kBeta2 = 0.999, kEpsilon = 1e-8;
constexpr double kTargetSumTolerance = 1e-3;

Status validate(const std::vector<float>& features, const std::vector<float>& targets, int64_t rows, int64_t F,
                int64_t C, const FitOptions& options) {
  if (rows <= 0 || F <= 0 || C <= 0) {
    return invalid_argument("head fit: rows, features per row and classes must be positive (got " +
                            std::to_string(rows) + ", " + std::to_string(F) + ", " + std::to_string(C) + ")");
  }
  const auto expect_size = [rows](const char* what, size_t size, int64_t per_row) {
    if (size % static_cast<size_t>(per_row) == 0 && size / static_cast<size_t>(per_row) == static_cast<size_t>(rows)) {
      return Status::Ok();
    }
    return invalid_argument(std::string("head fit: ") + what + " has " + std::to_string(size) + " values, not " +
                            std::to_string(rows) + " rows of " + std::to_string(per_row));
  };
  RETURN_IF_ERROR(expect_size("features", features.size(), F));
  RETURN_IF_ERROR(expect_size("targets", targets.size(), C));
  for (size_t i = 0; i < features.size(); ++i) {
    if (!std::isfinite(features[i])) {
      return invalid_argument("head fit: feature " + std::to_string(i % F) + " of row " + std::to_string(i / F) +
                              " is not finite");
    }
  }
  for (int64_t r = 0; r < rows; ++r) {
    double sum = 0;
    for (int64_t c = 0; c < C; ++c) {
      const float t = targets[r * C + c];
      if (!std::isfinite(t) || t < 0) {
        return invalid_argument("head fit: target " + std::to_string(c) + " of row " + std::to_string(r) + " is " +
                                std::to_string(t) + ", not a probability");
      }
      sum += t;
    }
    if (std::abs(sum - 1.0) > kTargetSumTolerance) {
      return invalid_argument("head fit: targets of row " + std::to_string(r) + " sum to " + std::to_string(sum) +
                              ", not 1");
    }
  }
  if (options.iterations < 0) return invalid_argument("head fit: iterations must be >= 0");
  if (!(options.l2 >= 0) || !std::isfinite(options.l2)) return invalid_argument("head fit: l2 must be finite and >= 0");
  if (!(options.learning_rate > 0) || !std::isfinite(options.learning_rate)) {
    return invalid_argument("head fit: learning_rate must be finite and positive");
  }
  if (options.threads < 1) return invalid_argument("head fit: threads must be >= 1");
  return Status::Ok();
}

// Per-column mean and standard deviation (1 for a constant column, which then standardizes to 0).
void column_statistics(const std::vector<float>& x, int64_t rows, int64_t F, std::vector<double>* mean,
                       std::vector<double>* stddev) {
  mean->assign(static_cast<size_t>(F), 0.0);
  stddev->assign(static_cast<size_t>(F), 0.0);
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t f = 0; f < F; ++f) (*mean)[f] += x[r * F + f];
  }
  for (double& m : *mean) m /= static_cast<double>(rows);
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t f = 0; f < F; ++f) {
      const double d = x[r * F + f] - (*mean)[f];
      (*stddev)[f] += d * d;
    }
  }
  for (double& s : *stddev) {
    s = std::sqrt(s / static_cast<double>(rows));
    if (!(s > 0)) s = 1;
  }
}

// One Adam step on params from grad; m and v are the moment estimates, step counts from 1.
void adam_step(std::vector<float>* params, const std::vector<float>& grad, std::vector<double>* m,
               std::vector<double>* v, int step, double learning_rate) {
  const double correction1 = 1 - std::pow(kBeta1, step), correction2 = 1 - std::pow(kBeta2, step);
  for (size_t i = 0; i < params->size(); ++i) {
    (*m)[i] = kBeta1 * (*m)[i] + (1 - kBeta1) * grad[i];
    (*v)[i] = kBeta2 * (*v)[i] + (1 - kBeta2) * static_cast<double>(grad[i]) * grad[i];
    const double step_size = learning_rate * ((*m)[i] / correction1) / (std::sqrt((*v)[i] / correction2) + kEpsilon);
    (*params)[i] = static_cast<float>((*params)[i] - step_size);
  }
}

}  // namespace

Result<LinearHead> fit_softmax_regression(const std::vector<float>& features, const std::vector<float>& targets,
                                          int64_t rows, int64_t features_per_row, int64_t classes,
                                          const FitOptions& options, FitReport* report) {
  const int64_t F = features_per_row, C = classes;
  RETURN_IF_ERROR(validate(features, targets, rows, F, C, options));

  std::vector<double> mean, stddev;
  column_statistics(features, rows, F, &mean, &stddev);
  std::vector<float> standardized(features.size());
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t f = 0; f < F; ++f) {
      standardized[r * F + f] = static_cast<float>((features[r * F + f] - mean[f]) / stddev[f]);
    }
  }

  // Full-batch Adam from the zero head (uniform probabilities) on the standardized features.
  std::vector<float> weight(static_cast<size_t>(C * F), 0.0f), bias(static_cast<size_t>(C), 0.0f);
  std::vector<float> grad_weight(weight.size()), grad_bias(bias.size());
  std::vector<double> m_weight(weight.size()), v_weight(weight.size()), m_bias(bias.size()), v_bias(bias.size());
  SoftmaxObjective objective(standardized.data(), targets.data(), rows, F, C, options.l2, options.threads);
  double initial_loss = 0;
  for (int step = 1; step <= options.iterations; ++step) {
    const SoftmaxLoss loss = objective.evaluate(weight.data(), bias.data(), grad_weight.data(), grad_bias.data());
    if (step == 1) initial_loss = loss.cross_entropy;
    adam_step(&weight, grad_weight, &m_weight, &v_weight, step, options.learning_rate);
    adam_step(&bias, grad_bias, &m_bias, &v_bias, step, options.learning_rate);
  }

  // logits = W (x - mean) / std + b = (W / std) x + (b - sum_f W[., f] mean[f] / std[f]).
  LinearHead head;
  head.features = F;
  head.classes = C;
  head.weight.resize(weight.size());
  head.bias.resize(bias.size());
  for (int64_t c = 0; c < C; ++c) {
    double shift = 0;
    for (int64_t f = 0; f < F; ++f) {
      const double w = weight[c * F + f] / stddev[f];
      head.weight[c * F + f] = static_cast<float>(w);
      shift += w * mean[f];
    }
    head.bias[c] = static_cast<float>(bias[c] - shift);
  }

  if (report != nullptr) {
    // The returned head on the raw features, as its users will apply it.
    SoftmaxObjective raw(features.data(), targets.data(), rows, F, C, options.l2, options.threads);
    const SoftmaxLoss final_loss = raw.evaluate(head.weight.data(), head.bias.data(), nullptr, nullptr);
    if (options.iterations == 0) initial_loss = final_loss.cross_entropy;
    report->initial_loss = initial_loss;
    report->final_loss = final_loss.cross_entropy;
    report->target_agreement = static_cast<double>(final_loss.agreeing_rows) / static_cast<double>(rows);
  }
  return head;
}

}  // namespace edgerun::early_exit
