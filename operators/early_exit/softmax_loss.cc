#include "operators/early_exit/softmax_loss.h"

#include <algorithm>
#include <cmath>

#include "kernels/ref/omp.h"

namespace edgerun::early_exit {

namespace {

constexpr int64_t kChunkRows = 1024;
constexpr int kLanes = 8;  // independent partial sums: the compiler vectorises them without reassociating
constexpr int kGroup = 4;  // rows sharing one pass over the weights (forward) or the gradient (backward)

// logits[r * classes + c] for the R rows at x; each row's value is the same whatever R.
template <int R>
void logits_of_rows(const float* x, int64_t features, int64_t classes, const float* weight, const float* bias,
                    float* logits) {
  for (int64_t c = 0; c < classes; ++c) {
    const float* w = weight + c * features;
    float lane[R][kLanes] = {};
    int64_t f = 0;
    for (; f + kLanes <= features; f += kLanes) {
      for (int r = 0; r < R; ++r) {
        for (int j = 0; j < kLanes; ++j) lane[r][j] += w[f + j] * x[r * features + f + j];
      }
    }
    for (int r = 0; r < R; ++r) {
      float tail = 0;
      for (int64_t g = f; g < features; ++g) tail += w[g] * x[r * features + g];
      float sum = 0;
      for (int j = 0; j < kLanes; ++j) sum += lane[r][j];
      logits[r * classes + c] = bias[c] + sum + tail;
    }
  }
}

// grad_weight[c, f] += sum over the R rows of delta[r, c] * x[r, f].
template <int R>
void accumulate_rows(const float* x, const float* delta, int64_t features, int64_t classes, float* grad_weight) {
  for (int64_t c = 0; c < classes; ++c) {
    float d[R];
    for (int r = 0; r < R; ++r) d[r] = delta[r * classes + c];
    float* g = grad_weight + c * features;
    for (int64_t f = 0; f < features; ++f) {
      float sum = 0;
      for (int r = 0; r < R; ++r) sum += d[r] * x[r * features + f];
      g[f] += sum;
    }
  }
}

int64_t argmax(const float* v, int64_t n) { return std::max_element(v, v + n) - v; }

}  // namespace

SoftmaxObjective::SoftmaxObjective(const float* x, const float* targets, int64_t rows, int64_t features,
                                   int64_t classes, double l2, int threads)
    : x_(x),
      targets_(targets),
      rows_(rows),
      features_(features),
      classes_(classes),
      l2_(l2),
      threads_(threads),
      chunks_((rows + kChunkRows - 1) / kChunkRows),
      chunk_grad_weight_(static_cast<size_t>(chunks_ * classes * features)),
      chunk_grad_bias_(static_cast<size_t>(chunks_ * classes)),
      chunk_loss_(static_cast<size_t>(chunks_)) {}

SoftmaxLoss SoftmaxObjective::evaluate(const float* weight, const float* bias, float* grad_weight, float* grad_bias) {
  const bool gradient = grad_weight != nullptr && grad_bias != nullptr;
  const int64_t F = features_, C = classes_;
  EDGERUN_OMP(parallel for num_threads(threads_) schedule(static))
  for (int64_t chunk = 0; chunk < chunks_; ++chunk) {
    const int64_t r0 = chunk * kChunkRows, r1 = std::min(rows_, r0 + kChunkRows);
    std::vector<float> delta(static_cast<size_t>((r1 - r0) * C));  // logits, then softmax - target
    int64_t r = r0;
    for (; r + kGroup <= r1; r += kGroup) logits_of_rows<kGroup>(x_ + r * F, F, C, weight, bias, &delta[(r - r0) * C]);
    for (; r < r1; ++r) logits_of_rows<1>(x_ + r * F, F, C, weight, bias, &delta[(r - r0) * C]);

    SoftmaxLoss loss;
    double* gb = &chunk_grad_bias_[static_cast<size_t>(chunk * C)];
    std::fill(gb, gb + C, 0.0);
    for (r = r0; r < r1; ++r) {
      float* z = &delta[(r - r0) * C];
      const float* t = targets_ + r * C;
      loss.agreeing_rows += argmax(z, C) == argmax(t, C);
      const float top = *std::max_element(z, z + C);
      double sum = 0, target_dot = 0;
      for (int64_t c = 0; c < C; ++c) {
        target_dot += static_cast<double>(t[c]) * (z[c] - top);
        z[c] = std::exp(z[c] - top);
        sum += z[c];
      }
      // -sum_c t_c log p_c = log sum_c exp(z_c - top) - sum_c t_c (z_c - top), as sum_c t_c = 1.
      loss.cross_entropy += std::log(sum) - target_dot;
      for (int64_t c = 0; c < C; ++c) {
        z[c] = static_cast<float>(z[c] / sum) - t[c];
        gb[c] += z[c];
      }
    }
    chunk_loss_[static_cast<size_t>(chunk)] = loss;
    if (!gradient) continue;
    float* gw = &chunk_grad_weight_[static_cast<size_t>(chunk * C * F)];
    std::fill(gw, gw + C * F, 0.0f);
    for (r = r0; r + kGroup <= r1; r += kGroup) accumulate_rows<kGroup>(x_ + r * F, &delta[(r - r0) * C], F, C, gw);
    for (; r < r1; ++r) accumulate_rows<1>(x_ + r * F, &delta[(r - r0) * C], F, C, gw);
  }

  SoftmaxLoss total;
  for (const SoftmaxLoss& l : chunk_loss_) {
    total.cross_entropy += l.cross_entropy;
    total.agreeing_rows += l.agreeing_rows;
  }
  total.cross_entropy /= static_cast<double>(rows_);
  double weight_norm = 0;
  for (int64_t i = 0; i < C * F; ++i) weight_norm += static_cast<double>(weight[i]) * weight[i];
  total.objective = total.cross_entropy + 0.5 * l2_ * weight_norm;
  if (!gradient) return total;

  // Chunk after chunk, in order: the sums do not depend on which thread did which chunk.
  std::vector<double> sum_weight(static_cast<size_t>(C * F), 0.0), sum_bias(static_cast<size_t>(C), 0.0);
  for (int64_t chunk = 0; chunk < chunks_; ++chunk) {
    const float* gw = &chunk_grad_weight_[static_cast<size_t>(chunk * C * F)];
    for (int64_t i = 0; i < C * F; ++i) sum_weight[i] += gw[i];
    const double* gb = &chunk_grad_bias_[static_cast<size_t>(chunk * C)];
    for (int64_t c = 0; c < C; ++c) sum_bias[c] += gb[c];
  }
  const double inv_rows = 1.0 / static_cast<double>(rows_);
  for (int64_t i = 0; i < C * F; ++i) grad_weight[i] = static_cast<float>(sum_weight[i] * inv_rows + l2_ * weight[i]);
  for (int64_t c = 0; c < C; ++c) grad_bias[c] = static_cast<float>(sum_bias[c] * inv_rows);
  return total;
}

}  // namespace edgerun::early_exit
