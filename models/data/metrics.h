// Task metrics, accumulated sample by sample and reported in percent: top-k accuracy (classification),
// mIoU over one confusion matrix of all pixels (segmentation), F1 of class 1 and accuracy (text pairs).
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace edgerun::data {

// Index of the largest of n values `stride` apart; the first one on ties (as torch.argmax).
int64_t argmax(const float* values, int64_t n, int64_t stride = 1);

// How many classes rank before `label`: larger logits, or equal logits at a lower index (a stable
// descending sort). The label is in the top k when this is below k.
int64_t rank_of_label(const float* logits, int64_t num_classes, int64_t label);

class TopKAccuracy {
 public:
  explicit TopKAccuracy(int64_t max_k) : hits_(static_cast<size_t>(max_k), 0) {}
  // From counts: hits[r] samples whose label ranked r, of `count` samples.
  TopKAccuracy(std::vector<int64_t> hits, int64_t count) : hits_(std::move(hits)), count_(count) {}
  void add(const float* logits, int64_t num_classes, int64_t label);
  // Percent of samples whose label is among the k highest logits; 0 before any sample.
  double percent(int64_t k) const;
  int64_t count() const { return count_; }

 private:
  std::vector<int64_t> hits_;  // hits_[r]: samples whose label ranked r
  int64_t count_ = 0;
};

// One confusion matrix over every pixel of every image: rows are labels, columns predictions.
class ConfusionMatrix {
 public:
  explicit ConfusionMatrix(int64_t num_classes)
      : n_(num_classes), counts_(static_cast<size_t>(num_classes * num_classes), 0) {}
  // From counts laid out labels by predictions (num_classes^2 of them).
  ConfusionMatrix(int64_t num_classes, std::vector<int64_t> counts) : n_(num_classes), counts_(std::move(counts)) {
    counts_.resize(static_cast<size_t>(num_classes * num_classes), 0);
  }
  // label and prediction must lie in [0, num_classes).
  void add(int64_t label, int64_t prediction) { ++counts_[static_cast<size_t>(label * n_ + prediction)]; }
  int64_t at(int64_t label, int64_t prediction) const { return counts_[static_cast<size_t>(label * n_ + prediction)]; }
  int64_t num_classes() const { return n_; }
  // IoU_c = TP / (TP + FP + FN) in percent; -1 for a class with TP + FP + FN == 0 (absent).
  double iou_percent(int64_t c) const;
  // Mean IoU over the classes that are present (TP + FP + FN > 0); 0 when none is.
  double miou_percent() const;
  double pixel_accuracy_percent() const;

 private:
  int64_t n_;
  std::vector<int64_t> counts_;
};

// Binary classification where class 1 is the positive one.
class BinaryF1 {
 public:
  // The four outcomes a sample can have, as count indices: TP, FP, FN, TN.
  static constexpr size_t kOutcomes = 4;
  static size_t outcome(int64_t label, int64_t prediction) {
    return label == 1 ? (prediction == 1 ? 0 : 2) : (prediction == 1 ? 1 : 3);
  }
  BinaryF1() = default;
  // From counts indexed by outcome().
  explicit BinaryF1(const std::vector<int64_t>& counts)
      : tp_(counts.at(0)), fp_(counts.at(1)), fn_(counts.at(2)), tn_(counts.at(3)) {}
  void add(int64_t label, int64_t prediction);
  // F1 of class 1: 2TP / (2TP + FP + FN); 0 when there is no positive label or prediction.
  double f1_percent() const;
  double accuracy_percent() const;
  int64_t count() const { return tp_ + fp_ + fn_ + tn_; }

 private:
  int64_t tp_ = 0, fp_ = 0, fn_ = 0, tn_ = 0;
};

}  // namespace edgerun::data
