// Fitting an exit head's trainable part natively: a linear map from features to class logits,
// trained by softmax regression (multinomial logistic regression) against soft targets. Self-
// distillation passes the final output's class probabilities as targets; labelled fitting passes
// one-hot rows. Segmentation heads are per-pixel linear maps (a 1x1 conv): each pixel is a row.
#pragma once

#include <cstdint>
#include <vector>

#include "graph/status.h"

namespace edgerun::early_exit {

struct LinearHead {
  int64_t features = 0;
  int64_t classes = 0;
  std::vector<float> weight;  // [classes, features], row-major: logits = weight * x + bias
  std::vector<float> bias;    // [classes]
};

struct FitOptions {
  int iterations = 200;       // full-batch optimizer steps
  double l2 = 1e-4;           // weight decay on the (standardized) weights, not on the bias
  double learning_rate = 0.1; // Adam step size on standardized features
  int threads = 1;            // the result does not depend on it (deterministic reductions)
};

struct FitReport {
  double initial_loss = 0;  // mean cross-entropy against the targets before and after fitting
  double final_loss = 0;
  double target_agreement = 0;  // fraction of rows whose argmax matches the target's argmax
};

// features: `rows` rows of `features` floats; targets: `rows` rows of `classes` probabilities (each row
// non-negative, summing to 1 within 1e-3). Features are standardized internally (per-column mean and
// std) and the result is mapped back, so the returned head applies to the raw features.
// Errors: empty or mismatched sizes, non-finite values, target rows that are not distributions.
Result<LinearHead> fit_softmax_regression(const std::vector<float>& features, const std::vector<float>& targets,
                                          int64_t rows, int64_t features_per_row, int64_t classes,
                                          const FitOptions& options, FitReport* report = nullptr);

}  // namespace edgerun::early_exit
