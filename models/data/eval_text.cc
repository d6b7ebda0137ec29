// manpage-pairs: inputs "input_ids", "attention_mask" and, for BERT-style models, "token_type_ids",
// int64 [N, L]; output logits [N, 2]; F1 of class 1 and accuracy.
#include <algorithm>

#include "models/data/eval_task.h"
#include "models/data/metrics.h"

namespace edgerun::data {

namespace {

class TextEvaluator : public TaskEvaluator {
 public:
  TextEvaluator(std::vector<TextPair> pairs, Vocab vocab, int64_t sequence_length)
      : pairs_(std::move(pairs)), vocab_(std::move(vocab)), length_(sequence_length) {}

  int64_t size() const override { return static_cast<int64_t>(pairs_.size()); }

  Status check_model(const Graph& graph) override {
    RETURN_IF_ERROR(expect_input_names(graph, {"input_ids", "attention_mask", "token_type_ids"}));
    ASSIGN_OR_RETURN(const Value* ids, expect_input(graph, "input_ids", DType::kI64, {-1, -1}));
    // A model with a fixed sequence length gets exactly that.
    if (ids->has_shape && ids->shape[1].known()) length_ = ids->shape[1].size;
    if (length_ < 3) return invalid_argument("model sequence length " + std::to_string(length_) + " is below 3");
    RETURN_IF_ERROR(expect_input(graph, "attention_mask", DType::kI64, {-1, length_}).status());
    with_types_ = false;
    for (ValueId id : graph.inputs) with_types_ = with_types_ || graph.value(id).name == "token_type_ids";
    if (with_types_) RETURN_IF_ERROR(expect_input(graph, "token_type_ids", DType::kI64, {-1, length_}).status());
    return Status::Ok();
  }

  Result<std::vector<NamedTensor>> inputs(int64_t begin, int64_t count, int64_t rows) const override {
    const Shape shape{rows, length_};
    ASSIGN_OR_RETURN(Tensor ids, Tensor::allocate(DType::kI64, shape));
    ASSIGN_OR_RETURN(Tensor mask, Tensor::allocate(DType::kI64, shape));
    ASSIGN_OR_RETURN(Tensor types, Tensor::allocate(DType::kI64, shape));
    for (int64_t i = 0; i < count; ++i) {
      const TextPair& pair = pairs_[static_cast<size_t>(begin + i)];
      ASSIGN_OR_RETURN(PairEncoding e, encode_pair(vocab_, pair.summary, pair.description, length_));
      std::copy(e.input_ids.begin(), e.input_ids.end(), ids.data<int64_t>() + i * length_);
      std::copy(e.attention_mask.begin(), e.attention_mask.end(), mask.data<int64_t>() + i * length_);
      std::copy(e.token_type_ids.begin(), e.token_type_ids.end(), types.data<int64_t>() + i * length_);
    }
    std::vector<NamedTensor> out{{"input_ids", std::move(ids)}, {"attention_mask", std::move(mask)}};
    if (with_types_) out.push_back({"token_type_ids", std::move(types)});
    return out;
  }

  Result<Tensor> labels(int64_t begin, int64_t count) const override {
    std::vector<int64_t> l;
    for (int64_t i = begin; i < begin + count; ++i) l.push_back(pairs_[static_cast<size_t>(i)].label);
    return Tensor::from_vector<int64_t>({count}, l);
  }

  std::vector<Metric> metrics_of_counts(const std::vector<int64_t>& counts) const override {
    const BinaryF1 f1(counts);
    return {{"f1", f1.f1_percent()}, {"accuracy", f1.accuracy_percent()}};
  }

 protected:
  // Counts: BinaryF1's outcome counts (BinaryF1::outcome).
  size_t counts_size() const override { return BinaryF1::kOutcomes; }
  Status check_output(const Tensor& output) const override {
    return expect_output(output, {output.rank() > 0 ? output.dim(0) : 0, 2});
  }
  Status add_sample(const Tensor& output, int64_t row, int64_t sample, int64_t* counts) const override {
    // Labels are 0 / 1 by load_manpage_pairs' validation.
    ++counts[BinaryF1::outcome(pairs_[static_cast<size_t>(sample)].label, argmax(output.data<float>() + 2 * row, 2))];
    return Status::Ok();
  }

 private:
  std::vector<TextPair> pairs_;
  Vocab vocab_;
  int64_t length_;
  bool with_types_ = false;
};

}  // namespace

std::unique_ptr<TaskEvaluator> make_text_evaluator(std::vector<TextPair> pairs, Vocab vocab, int64_t sequence_length) {
  return std::make_unique<TextEvaluator>(std::move(pairs), std::move(vocab), sequence_length);
}

}  // namespace edgerun::data
