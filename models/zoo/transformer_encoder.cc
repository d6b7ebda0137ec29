#include "models/zoo/transformer_encoder.h"

#include <cmath>

#include "models/zoo/graph_builder.h"

namespace edgerun::zoo {

namespace {

constexpr float kInitStd = 0.02f;  // BertConfig.initializer_range
constexpr int64_t kOnnxFloat = 1;  // TensorProto data types, for Cast's "to"
constexpr int64_t kOnnxInt32 = 6;
constexpr int64_t kOnnxInt64 = 7;

Attributes ints_attr(const std::string& name, const std::vector<int64_t>& v) {
  Attributes a;
  a.set_ints(name, v);
  return a;
}

Attributes int_attr(const std::string& name, int64_t v) {
  Attributes a;
  a.set_int(name, v);
  return a;
}

Attributes layer_norm_attrs(float eps) {
  Attributes a;
  a.set_int("axis", -1);
  a.set_float("epsilon", eps);
  return a;
}

class EncoderWriter {
 public:
  EncoderWriter(const EncoderConfig& c, const BuildOptions& o, int64_t seq)
      : c_(c), batch_(o.batch), seq_(seq), b_(c.name, o.seed) {}

  Result<Graph> write() {
    const ValueId ids = b_.input("input_ids", DType::kI64, {batch_, seq_});
    const ValueId mask = b_.input("attention_mask", DType::kI64, {batch_, seq_});
    const ValueId types = c_.roberta ? kNoValue : b_.input("token_type_ids", DType::kI64, {batch_, seq_});
    b_.push_scope(c_.name);
    ValueId x = embeddings(ids, types);
    const ValueId additive_mask = extended_mask(mask);
    b_.push_scope("encoder");
    for (int64_t i = 0; i < c_.layers; ++i) {
      b_.push_scope("layer." + std::to_string(i));
      x = layer(x, additive_mask);
      b_.pop_scope();
    }
    b_.pop_scope();
    // BertPooler / RobertaClassificationHead.dense: dense + tanh on the first token.
    const ValueId first = b_.op("Gather", "first_token", {x, scalar_i64("first_index", 0)}, int_attr("axis", 1));
    // BERT's pooler lives in "bert", RoBERTa's head beside "roberta" as "classifier".
    if (c_.roberta) {
      b_.pop_scope();
      b_.push_scope("classifier");
      gemm("out_proj", pooler(first), c_.hidden, c_.labels);
      b_.pop_scope();
    } else {
      b_.push_scope("pooler");
      const ValueId pooled = pooler(first);
      b_.pop_scope();
      b_.pop_scope();
      gemm("classifier", pooled, c_.hidden, c_.labels);
    }
    // The exporter names the last node's output "logits" itself; an Identity would survive the passes.
    Graph& g = b_.graph();
    g.nodes.back().outputs[0] = g.value_id("logits");
    b_.output(g.nodes.back().outputs[0]);
    return b_.finish();
  }

 private:
  ValueId pooler(ValueId first) { return b_.op("Tanh", "Tanh", {gemm("dense", first, c_.hidden, c_.hidden)}); }

  ValueId scalar_f32(const std::string& name, float v) { return b_.constant(name, Tensor::scalar<float>(v)); }
  ValueId scalar_i64(const std::string& name, int64_t v) { return b_.constant(name, Tensor::scalar<int64_t>(v)); }

  // nn.Embedding with HF's init: N(0, 0.02), the padding row zeroed.
  ValueId embedding_table(const std::string& scope, int64_t rows, int64_t padding_row) {
    b_.push_scope(scope);
    const ValueId w = b_.normal("weight", {rows, c_.hidden}, kInitStd);
    b_.pop_scope();
    if (padding_row >= 0) {
      float* p = b_.graph().value(w).constant->data<float>();
      for (int64_t j = 0; j < c_.hidden; ++j) p[padding_row * c_.hidden + j] = 0.0f;
    }
    return w;
  }

  ValueId layer_norm(const std::string& scope, ValueId x) {
    b_.push_scope(scope);
    const ValueId gamma = b_.fill("weight", {c_.hidden}, 1.0f);
    const ValueId beta = b_.fill("bias", {c_.hidden}, 0.0f);
    const ValueId y =
        b_.op("LayerNormalization", "LayerNormalization", {x, gamma, beta}, layer_norm_attrs(c_.layer_norm_eps));
    b_.pop_scope();
    return y;
  }

  // nn.Linear on a 3-D input: MatMul by the transposed weight [in, out] (folded by the exporter), then
  // Add(bias, product).
  ValueId linear(const std::string& scope, ValueId x, int64_t in, int64_t out) {
    b_.push_scope(scope);
    const ValueId w = b_.normal("weight", {in, out}, kInitStd);
    const ValueId bias = b_.fill("bias", {out}, 0.0f);
    const ValueId y = b_.op("Add", "Add", {bias, b_.op("MatMul", "MatMul", {x, w})});
    b_.pop_scope();
    return y;
  }

  // nn.Linear on a 2-D input: Gemm with the weight as PyTorch stores it, [out, in], transB = 1.
  ValueId gemm(const std::string& scope, ValueId x, int64_t in, int64_t out) {
    b_.push_scope(scope);
    const ValueId w = b_.normal("weight", {out, in}, kInitStd);
    const ValueId bias = b_.fill("bias", {out}, 0.0f);
    Attributes a;
    a.set_float("alpha", 1.0f);
    a.set_float("beta", 1.0f);
    a.set_int("transB", 1);
    const ValueId y = b_.op("Gemm", "Gemm", {x, w, bias}, a);
    b_.pop_scope();
    return y;
  }

  ValueId embeddings(ValueId ids, ValueId types) {
    b_.push_scope("embeddings");
    ValueId positions;
    if (c_.roberta) {
      // create_position_ids_from_input_ids: cumsum(ids != pad) * (ids != pad) + pad.
      const ValueId is_pad = b_.op("Equal", "Equal", {ids, scalar_i64("pad_id", c_.pad_id)});
      const ValueId keep = b_.op("Cast", "Cast", {b_.op("Not", "Not", {is_pad})}, int_attr("to", kOnnxInt32));
      const ValueId cumsum = b_.op("CumSum", "CumSum", {keep, b_.constant("cumsum_axis", Tensor::scalar<int32_t>(1))});
      const ValueId masked = b_.op("Cast", "Cast", {b_.op("Mul", "Mul", {cumsum, keep})}, int_attr("to", kOnnxInt64));
      positions = b_.op("Add", "Add", {masked, scalar_i64("padding_idx", c_.pad_id)});
      // No token_type_ids input: HF gathers row 0 for every token from its zero buffer.
      std::vector<int64_t> zeros(static_cast<size_t>(batch_ * seq_), 0);
      types = b_.constant("token_type_ids", Tensor::from_vector<int64_t>({batch_, seq_}, zeros));
    } else {
      std::vector<int64_t> arange(static_cast<size_t>(seq_));
      for (int64_t i = 0; i < seq_; ++i) arange[static_cast<size_t>(i)] = i;
      positions = b_.constant("position_ids", Tensor::from_vector<int64_t>({1, seq_}, arange));
    }
    const ValueId word = embedding_table("word_embeddings", c_.vocab, c_.pad_id);
    const ValueId position = embedding_table("position_embeddings", c_.max_positions, c_.roberta ? c_.pad_id : -1);
    const ValueId type = embedding_table("token_type_embeddings", c_.type_vocab, -1);
    ValueId x = b_.op("Add", "Add",
                      {b_.op("Gather", "word_embeddings.Gather", {word, ids}),
                       b_.op("Gather", "token_type_embeddings.Gather", {type, types})});
    x = b_.op("Add", "Add", {x, b_.op("Gather", "position_embeddings.Gather", {position, positions})});
    x = layer_norm("LayerNorm", x);
    b_.pop_scope();
    return x;
  }

  // get_extended_attention_mask: (1 - mask[:, None, None, :]) * -10000, added to every head's scores.
  ValueId extended_mask(ValueId mask) {
    ValueId m = b_.op("Unsqueeze", "Unsqueeze", {mask, b_.int64s("unsqueeze_1", {1})});
    m = b_.op("Unsqueeze", "Unsqueeze", {m, b_.int64s("unsqueeze_2", {2})});
    m = b_.op("Cast", "Cast", {m}, int_attr("to", kOnnxFloat));
    m = b_.op("Sub", "Sub", {scalar_f32("one", 1.0f), m});
    return b_.op("Mul", "Mul", {m, scalar_f32("mask_value", -10000.0f)});
  }

  // BertSelfAttention in the exporter's order: Q, K (reshaped), V (reshaped, transposed), Q reshaped and
  // transposed, K's two transposes fused into one.
  ValueId self_attention(ValueId x, ValueId mask) {
    const int64_t head_size = c_.hidden / c_.heads;
    b_.push_scope("self");
    const ValueId heads_shape = b_.int64s("heads_shape", {batch_, seq_, c_.heads, head_size});
    const ValueId q = linear("query", x, c_.hidden, c_.hidden);
    const ValueId k = b_.op("Reshape", "Reshape", {linear("key", x, c_.hidden, c_.hidden), heads_shape});
    ValueId v = b_.op("Reshape", "Reshape", {linear("value", x, c_.hidden, c_.hidden), heads_shape});
    v = b_.op("Transpose", "Transpose", {v}, ints_attr("perm", {0, 2, 1, 3}));
    const ValueId qh = b_.op("Transpose", "Transpose", {b_.op("Reshape", "Reshape", {q, heads_shape})},
                             ints_attr("perm", {0, 2, 1, 3}));
    const ValueId kt = b_.op("Transpose", "Transpose", {k}, ints_attr("perm", {0, 2, 3, 1}));
    ValueId scores = b_.op("MatMul", "MatMul", {qh, kt});
    scores = b_.op("Div", "Div", {scores, scalar_f32("scale", std::sqrt(static_cast<float>(head_size)))});
    scores = b_.op("Add", "Add", {scores, mask});
    const ValueId probs = b_.op("Softmax", "Softmax", {scores}, int_attr("axis", -1));
    ValueId context = b_.op("MatMul", "MatMul", {probs, v});
    context = b_.op("Transpose", "Transpose", {context}, ints_attr("perm", {0, 2, 1, 3}));
    context = b_.op("Reshape", "Reshape", {context, b_.int64s("merged_shape", {batch_, seq_, c_.hidden})});
    b_.pop_scope();
    return context;
  }

  // BertSelfOutput / BertOutput: dense, residual add, LayerNorm.
  ValueId add_norm(const std::string& scope, ValueId x, ValueId residual, int64_t in) {
    b_.push_scope(scope);
    const ValueId y = b_.op("Add", "Add", {linear("dense", x, in, c_.hidden), residual});
    const ValueId out = layer_norm("LayerNorm", y);
    b_.pop_scope();
    return out;
  }

  // The exact GELU as the exporter writes it: x * (erf(x / sqrt 2) + 1) * 0.5.
  ValueId gelu(ValueId x) {
    ValueId e = b_.op("Erf", "Erf", {b_.op("Div", "Div", {x, scalar_f32("sqrt2", std::sqrt(2.0f))})});
    e = b_.op("Add", "Add", {e, scalar_f32("one", 1.0f)});
    return b_.op("Mul", "Mul", {b_.op("Mul", "Mul", {x, e}), scalar_f32("half", 0.5f)});
  }

  ValueId layer(ValueId x, ValueId mask) {
    b_.push_scope("attention");
    const ValueId context = self_attention(x, mask);
    const ValueId attended = add_norm("output", context, x, c_.hidden);
    b_.pop_scope();
    b_.push_scope("intermediate");
    const ValueId inner = gelu(linear("dense", attended, c_.hidden, c_.intermediate));
    b_.pop_scope();
    return add_norm("output", inner, attended, c_.intermediate);
  }

  const EncoderConfig& c_;
  const int64_t batch_;
  const int64_t seq_;
  GraphBuilder b_;
};

}  // namespace

Result<Graph> build_text_classifier(const EncoderConfig& config, const BuildOptions& options) {
  const int64_t seq = options.sequence_length > 0 ? options.sequence_length : config.default_sequence;
  if (config.heads <= 0 || config.hidden % config.heads != 0) {
    return invalid_argument(config.name + ": hidden size " + std::to_string(config.hidden) +
                            " is not a multiple of the " + std::to_string(config.heads) + " heads");
  }
  // RoBERTa's positions run from pad + 1 to pad + L.
  const int64_t max_seq = config.roberta ? config.max_positions - config.pad_id - 1 : config.max_positions;
  if (seq > max_seq) {
    return invalid_argument(config.name + ": sequence length " + std::to_string(seq) + " exceeds the " +
                            std::to_string(max_seq) + " positions of the model");
  }
  if (options.batch <= 0) return invalid_argument(config.name + ": batch must be positive");
  return EncoderWriter(config, options, seq).write();
}

}  // namespace edgerun::zoo
