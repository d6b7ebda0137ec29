#include "operators/early_exit/head_fit.h"

#include <algorithm>
#include <cmath>

namespace edgerun::early_exit {

namespace {

// Per-column mean and standard deviation (1 for a constant column).
void column_moments(const std::vector<float>& x, int64_t rows, int64_t cols, std::vector<double>* mean,
                    std::vector<double>* stddev) {
  mean->assign(static_cast<size_t>(cols), 0.0);
  stddev->assign(static_cast<size_t>(cols), 0.0);
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t j = 0; j < cols; ++j) (*mean)[j] += x[static_cast<size_t>(r * cols + j)];
  }
  for (double& m : *mean) m /= static_cast<double>(rows);
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t j = 0; j < cols; ++j) {
      const double d = x[static_cast<size_t>(r * cols + j)] - (*mean)[j];
      (*stddev)[j] += d * d;
    }
  }
  for (double& s : *stddev) {
    s = std::sqrt(s / static_cast<double>(rows));
    if (s < 1e-12) s = 1.0;
  }
}

// Softmax of logits = z w^T + b for every row into p; returns the mean cross-entropy against t.
double forward(const std::vector<float>& z, const std::vector<float>& t, const std::vector<float>& w,
               const std::vector<float>& b, int64_t rows, int64_t d, int64_t c, std::vector<float>* p) {
  double loss = 0;
  for (int64_t r = 0; r < rows; ++r) {
    const float* zr = z.data() + r * d;
    float* pr = p->data() + r * c;
    float top = -INFINITY;
    for (int64_t k = 0; k < c; ++k) {
      const float* wk = w.data() + k * d;
      float dot = 0;
      for (int64_t j = 0; j < d; ++j) dot += zr[j] * wk[j];
      pr[k] = dot + b[static_cast<size_t>(k)];
      top = std::max(top, pr[k]);
    }
    double sum = 0;
    for (int64_t k = 0; k < c; ++k) sum += std::exp(static_cast<double>(pr[k] - top));
    const double log_sum = std::log(sum);
    for (int64_t k = 0; k < c; ++k) {
      const double log_p = static_cast<double>(pr[k] - top) - log_sum;
      const float tk = t[static_cast<size_t>(r * c + k)];
      if (tk > 0) loss -= tk * log_p;
      pr[k] = static_cast<float>(std::exp(log_p));
    }
  }
  return loss / static_cast<double>(rows);
}

double agreement(const std::vector<float>& p, const std::vector<float>& t, int64_t rows, int64_t c) {
  int64_t same = 0;
  for (int64_t r = 0; r < rows; ++r) {
    const float* pr = p.data() + r * c;
    const float* tr = t.data() + r * c;
    same += std::max_element(pr, pr + c) - pr == std::max_element(tr, tr + c) - tr;
  }
  return static_cast<double>(same) / static_cast<double>(rows);
}

Status validate(const std::vector<float>& features, const std::vector<float>& targets, int64_t rows, int64_t d,
                int64_t c) {
  if (rows < 1 || d < 1 || c < 2)
    return invalid_argument("a head needs at least 1 row, 1 feature and 2 classes; got " + std::to_string(rows) +
                            ", " + std::to_string(d) + ", " + std::to_string(c));
  if (features.size() != static_cast<size_t>(rows * d) || targets.size() != static_cast<size_t>(rows * c))
    return invalid_argument("head fitting: " + std::to_string(features.size()) + " features and " +
                            std::to_string(targets.size()) + " targets for " + std::to_string(rows) + " rows of " +
                            std::to_string(d) + " features and " + std::to_string(c) + " classes");
  for (size_t i = 0; i < features.size(); ++i) {
    if (!std::isfinite(features[i])) return invalid_argument("head fitting: feature " + std::to_string(i) + " is not finite");
  }
  for (int64_t r = 0; r < rows; ++r) {
    double sum = 0;
    for (int64_t k = 0; k < c; ++k) {
      const float v = targets[static_cast<size_t>(r * c + k)];
      if (!std::isfinite(v) || v < 0) return invalid_argument("head fitting: target row " + std::to_string(r) + " is not a distribution");
      sum += v;
    }
    if (std::fabs(sum - 1.0) > 1e-3)
      return invalid_argument("head fitting: target row " + std::to_string(r) + " sums to " + std::to_string(sum));
  }
  return Status::Ok();
}

}  // namespace

Result<LinearHead> fit_softmax_regression(const std::vector<float>& features, const std::vector<float>& targets,
                                          int64_t rows, int64_t d, int64_t c, const FitOptions& options,
                                          FitReport* report) {
  RETURN_IF_ERROR(validate(features, targets, rows, d, c));
  if (options.iterations < 0 || options.learning_rate <= 0 || options.l2 < 0)
    return invalid_argument("head fitting: iterations, learning rate and l2 must be non-negative (rate positive)");
  std::vector<double> mean, stddev;
  column_moments(features, rows, d, &mean, &stddev);
  std::vector<float> z(features.size());
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t j = 0; j < d; ++j) {
      const size_t i = static_cast<size_t>(r * d + j);
      z[i] = static_cast<float>((features[i] - mean[j]) / stddev[j]);
    }
  }
  std::vector<float> w(static_cast<size_t>(c * d), 0.f), b(static_cast<size_t>(c), 0.f), p(targets.size());
  std::vector<float> gw(w.size()), gb(b.size());
  std::vector<double> mw(w.size(), 0), vw(w.size(), 0), mb(b.size(), 0), vb(b.size(), 0);
  constexpr double kBeta1 = 0.9, kBeta2 = 0.999, kEps = 1e-8;
  const double initial = forward(z, targets, w, b, rows, d, c, &p);
  // Adam on the full batch: one deterministic order of every sum, whatever the thread count.
  auto adam = [&](std::vector<float>& x, const std::vector<float>& g, std::vector<double>& m, std::vector<double>& v,
                  int step) {
    const double c1 = 1 - std::pow(kBeta1, step), c2 = 1 - std::pow(kBeta2, step);
    for (size_t i = 0; i < x.size(); ++i) {
      m[i] = kBeta1 * m[i] + (1 - kBeta1) * g[i];
      v[i] = kBeta2 * v[i] + (1 - kBeta2) * g[i] * g[i];
      x[i] -= static_cast<float>(options.learning_rate * (m[i] / c1) / (std::sqrt(v[i] / c2) + kEps));
    }
  };
  double loss = initial;
  for (int it = 1; it <= options.iterations; ++it) {
    // d loss / d logits = (p - t) / rows; then the weights' and biases' gradients.
    std::fill(gb.begin(), gb.end(), 0.f);
    for (size_t i = 0; i < w.size(); ++i) gw[i] = static_cast<float>(options.l2) * w[i];
    const float inv_rows = 1.f / static_cast<float>(rows);
    for (int64_t r = 0; r < rows; ++r) {
      const float* zr = z.data() + r * d;
      for (int64_t k = 0; k < c; ++k) {
        const float g = (p[static_cast<size_t>(r * c + k)] - targets[static_cast<size_t>(r * c + k)]) * inv_rows;
        gb[static_cast<size_t>(k)] += g;
        float* gk = gw.data() + k * d;
        for (int64_t j = 0; j < d; ++j) gk[j] += g * zr[j];
      }
    }
    adam(w, gw, mw, vw, it);
    adam(b, gb, mb, vb, it);
    loss = forward(z, targets, w, b, rows, d, c, &p);
  }
  if (report != nullptr) *report = FitReport{initial, loss, agreement(p, targets, rows, c)};
  // Back to raw features: w_raw = w / std, b_raw = b - sum_j w_j mean_j / std_j.
  LinearHead head{d, c, std::vector<float>(w.size()), std::vector<float>(b.size())};
  for (int64_t k = 0; k < c; ++k) {
    double shift = 0;
    for (int64_t j = 0; j < d; ++j) {
      const double wj = w[static_cast<size_t>(k * d + j)] / stddev[j];
      head.weight[static_cast<size_t>(k * d + j)] = static_cast<float>(wj);
      shift += wj * mean[j];
    }
    head.bias[static_cast<size_t>(k)] = static_cast<float>(b[static_cast<size_t>(k)] - shift);
  }
  return head;
}

}  // namespace edgerun::early_exit
