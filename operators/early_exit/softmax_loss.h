// The objective head fitting minimises (operators/early_exit/head_fit.h), apart so that tests can check
// its gradient against finite differences. Internal to operators/early_exit.
#pragma once

#include <cstdint>
#include <vector>

namespace edgerun::early_exit {

struct SoftmaxLoss {
  double cross_entropy = 0;   // mean over rows of -sum_c target[c] * log softmax(logits)[c]
  double objective = 0;       // cross_entropy + l2 / 2 * |weight|^2
  int64_t agreeing_rows = 0;  // rows whose logits' argmax is the target's argmax (first on ties)
};

// Softmax regression over fixed data: logits = weight [classes, features] * x + bias. Rows are cut into
// chunks of a fixed size, each summed by one thread, and the chunks' sums are added in order, so the
// result does not depend on the thread count.
class SoftmaxObjective {
 public:
  // x: rows x features, targets: rows x classes; both must outlive the objective.
  SoftmaxObjective(const float* x, const float* targets, int64_t rows, int64_t features, int64_t classes, double l2,
                   int threads);

  // The loss at (weight, bias); with grad_weight and grad_bias non-null, also the objective's gradient.
  SoftmaxLoss evaluate(const float* weight, const float* bias, float* grad_weight, float* grad_bias);

 private:
  const float* x_;
  const float* targets_;
  int64_t rows_, features_, classes_;
  double l2_;
  int threads_;
  int64_t chunks_;
  std::vector<float> chunk_grad_weight_;  // [chunk, classes, features]
  std::vector<double> chunk_grad_bias_;   // [chunk, classes]
  std::vector<SoftmaxLoss> chunk_loss_;
};

}  // namespace edgerun::early_exit
