// Per-sample metric counts of the task evaluators (models/data/eval_task.h): summed over any samples,
// the counts give the metrics score() gives for them, also when each sample's row comes from another
// output (early exit's mix of exits); labels come back as stored.
#include <doctest/doctest.h>

#include <random>

#include "models/data/eval_task.h"

namespace edgerun::data {
namespace {

Tensor random_output(const Shape& shape, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0, 2);
  Tensor t = Tensor::allocate(DType::kF32, shape).value();
  for (int64_t i = 0; i < t.num_elements(); ++i) t.data<float>()[i] = normal(rng);
  return t;
}

// Row r of `a` or `b` per `pick`, as one tensor.
Tensor mixed(const Tensor& a, const Tensor& b, const std::vector<bool>& pick) {
  Tensor t = Tensor::allocate(DType::kF32, a.shape()).value();
  const int64_t row = a.num_elements() / a.dim(0);
  for (int64_t r = 0; r < a.dim(0); ++r) {
    const Tensor& from = pick[static_cast<size_t>(r)] ? b : a;
    std::copy(from.data<float>() + r * row, from.data<float>() + (r + 1) * row, t.data<float>() + r * row);
  }
  return t;
}

// make(): a fresh evaluator over the same data; `shape` of a whole-split output.
template <typename Make>
void check_counts_match_scoring(Make make, const Shape& shape) {
  const Tensor a = random_output(shape, 1), b = random_output(shape, 2);
  auto task = make();
  const int64_t n = shape[0];
  std::vector<bool> pick(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) pick[static_cast<size_t>(i)] = i % 3 == 1;
  // Samples [2, n - 1) of the mix, by counts and by score().
  std::vector<int64_t> sum;
  for (int64_t i = 2; i < n - 1; ++i) {
    auto c = task->sample_counts(pick[static_cast<size_t>(i)] ? b : a, i, i);
    REQUIRE_MESSAGE(c.ok(), c.status().to_string());
    if (sum.empty()) sum.assign(c->size(), 0);
    for (size_t j = 0; j < c->size(); ++j) sum[j] += (*c)[j];
  }
  const Tensor mix = mixed(a, b, pick);
  Tensor tail = Tensor::allocate(DType::kF32, [&] { Shape s = shape; s[0] = n - 3; return s; }()).value();
  const int64_t row = mix.num_elements() / n;
  std::copy(mix.data<float>() + 2 * row, mix.data<float>() + (n - 1) * row, tail.data<float>());
  auto scored = make();
  REQUIRE(scored->score(tail, 2, n - 3).ok());
  const std::vector<Metric> by_counts = task->metrics_of(sum), by_score = scored->metrics();
  REQUIRE(by_counts.size() == by_score.size());
  for (size_t m = 0; m < by_counts.size(); ++m) {
    CAPTURE(by_counts[m].name);
    CHECK(by_counts[m].name == by_score[m].name);
    CHECK(by_counts[m].percent == by_score[m].percent);
  }
  CHECK(task->metrics_of({})[0].percent == 0.0);  // no sample
  CHECK_FALSE(task->sample_counts(a, n, 0).ok());
  CHECK_FALSE(task->sample_counts(a, 0, n).ok());
  CHECK_FALSE(task->sample_counts(Tensor::allocate(DType::kF32, {n, 3}).value(), 0, 0).ok());
}

TEST_CASE("eval: classification counts per sample add up to score()'s top-1 and top-5") {
  LabelledImages images{12, 2, 2, std::vector<uint8_t>(12 * 4, 0), {}};
  for (int i = 0; i < 12; ++i) images.labels.push_back(static_cast<uint8_t>((i * 7) % 10));
  check_counts_match_scoring([&] { return make_classification_evaluator(images); }, {12, 10});
  const Tensor labels = make_classification_evaluator(images)->labels(3, 2).value();
  CHECK(labels.shape() == Shape{2});
  CHECK(labels.data<int64_t>()[0] == 1);  // 21 % 10
  CHECK(labels.data<int64_t>()[1] == 8);
}

TEST_CASE("eval: segmentation counts per sample add up to score()'s mIoU and pixel accuracy") {
  LabelledScenes scenes;
  scenes.count = 7;
  scenes.height = 4;
  scenes.width = 5;
  scenes.pixels.assign(7 * 20, 0);
  for (int i = 0; i < 7 * 20; ++i) scenes.labels.push_back(static_cast<uint8_t>((i * 5 + i / 7) % kFashionScenesClasses));
  check_counts_match_scoring([&] { return make_segmentation_evaluator(scenes); }, {7, kFashionScenesClasses, 4, 5});
  const Tensor labels = make_segmentation_evaluator(scenes)->labels(1, 2).value();
  CHECK(labels.shape() == Shape{2, 4, 5});
  CHECK(labels.data<int64_t>()[0] == scenes.labels[20]);
}

TEST_CASE("eval: text counts per sample add up to score()'s F1 and accuracy") {
  std::vector<TextPair> pairs;
  for (int i = 0; i < 9; ++i) pairs.push_back({i % 2, "a", "b"});
  Result<Vocab> parsed = Vocab::parse("[PAD]\n[UNK]\n[CLS]\n[SEP]\na\nb\n", "vocab");
  REQUIRE(parsed.ok());
  const Vocab& vocab = parsed.value();
  check_counts_match_scoring([&] { return make_text_evaluator(pairs, vocab, 8); }, {9, 2});
  CHECK(make_text_evaluator(pairs, vocab, 8)->labels(0, 3).value().data<int64_t>()[1] == 1);
}

TEST_CASE("eval: a label outside the task's classes is an error, not a read or write out of bounds") {
  LabelledImages images{2, 1, 1, {0, 0}, {3, 12}};
  auto task = make_classification_evaluator(images);
  const Tensor out = random_output({2, 10}, 3);
  CHECK(task->sample_counts(out, 0, 0).ok());
  CHECK_FALSE(task->sample_counts(out, 1, 1).ok());
  CHECK_FALSE(task->score(out, 0, 2).ok());
  LabelledScenes scenes{1, 1, 2, {0, 0}, {1, 11}};
  CHECK_FALSE(make_segmentation_evaluator(scenes)->sample_counts(random_output({1, kFashionScenesClasses, 1, 2}, 4), 0, 0).ok());
}

}  // namespace
}  // namespace edgerun::data
