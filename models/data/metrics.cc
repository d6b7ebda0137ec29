#include "models/data/metrics.h"

namespace edgerun::data {

int64_t argmax(const float* values, int64_t n, int64_t stride) {
  int64_t best = 0;
  for (int64_t i = 1; i < n; ++i) {
    if (values[i * stride] > values[best * stride]) best = i;
  }
  return best;
}

int64_t rank_of_label(const float* logits, int64_t num_classes, int64_t label) {
  const float mine = logits[label];
  int64_t rank = 0;
  for (int64_t c = 0; c < num_classes; ++c) {
    if (logits[c] > mine || (c < label && logits[c] == mine)) ++rank;
  }
  return rank;
}

void TopKAccuracy::add(const float* logits, int64_t num_classes, int64_t label) {
  const int64_t rank = rank_of_label(logits, num_classes, label);
  if (rank < static_cast<int64_t>(hits_.size())) ++hits_[static_cast<size_t>(rank)];
  ++count_;
}

double TopKAccuracy::percent(int64_t k) const {
  if (count_ == 0) return 0.0;
  int64_t hits = 0;
  for (int64_t r = 0; r < k && r < static_cast<int64_t>(hits_.size()); ++r) hits += hits_[static_cast<size_t>(r)];
  return 100.0 * static_cast<double>(hits) / static_cast<double>(count_);
}

double ConfusionMatrix::iou_percent(int64_t c) const {
  const int64_t tp = at(c, c);
  int64_t fp = 0, fn = 0;
  for (int64_t o = 0; o < n_; ++o) {
    if (o == c) continue;
    fp += at(o, c);
    fn += at(c, o);
  }
  const int64_t denominator = tp + fp + fn;
  return denominator == 0 ? -1.0 : 100.0 * static_cast<double>(tp) / static_cast<double>(denominator);
}

double ConfusionMatrix::miou_percent() const {
  double sum = 0.0;
  int64_t present = 0;
  for (int64_t c = 0; c < n_; ++c) {
    const double iou = iou_percent(c);
    if (iou < 0) continue;
    sum += iou;
    ++present;
  }
  return present == 0 ? 0.0 : sum / static_cast<double>(present);
}

double ConfusionMatrix::pixel_accuracy_percent() const {
  int64_t total = 0, correct = 0;
  for (int64_t l = 0; l < n_; ++l) {
    for (int64_t p = 0; p < n_; ++p) total += at(l, p);
    correct += at(l, l);
  }
  return total == 0 ? 0.0 : 100.0 * static_cast<double>(correct) / static_cast<double>(total);
}

void BinaryF1::add(int64_t label, int64_t prediction) {
  if (label == 1) {
    ++(prediction == 1 ? tp_ : fn_);
  } else {
    ++(prediction == 1 ? fp_ : tn_);
  }
}

double BinaryF1::f1_percent() const {
  const int64_t denominator = 2 * tp_ + fp_ + fn_;
  return denominator == 0 ? 0.0 : 100.0 * static_cast<double>(2 * tp_) / static_cast<double>(denominator);
}

double BinaryF1::accuracy_percent() const {
  const int64_t n = count();
  return n == 0 ? 0.0 : 100.0 * static_cast<double>(tp_ + tn_) / static_cast<double>(n);
}

}  // namespace edgerun::data
