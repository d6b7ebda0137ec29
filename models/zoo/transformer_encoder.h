// One builder for the zoo's BERT and RoBERTa sequence classifiers: Hugging Face's
// BertForSequenceClassification / RobertaForSequenceClassification written node for node as
// torch.onnx.export (opset 17, constant folding) writes them, with N(0, 0.02) weights as BERT
// initialises them. models/tools/make_transformer_signatures.py holds the PyTorch reference.
#pragma once

#include <cstdint>
#include <string>

#include "models/zoo/zoo.h"

namespace edgerun::zoo {

struct EncoderConfig {
  std::string name;      // graph name and parameter prefix: "bert" or "roberta"
  bool roberta = false;  // RoBERTa: positions from the padding mask, classification head
  int64_t vocab = 30522;
  int64_t max_positions = 512;
  int64_t type_vocab = 2;
  int64_t hidden = 768;
  int64_t layers = 12;
  int64_t heads = 12;
  int64_t intermediate = 3072;
  float layer_norm_eps = 1e-12f;
  int64_t labels = 2;
  int64_t pad_id = 0;              // HF pad_token_id: 0 for BERT, 1 for RoBERTa
  int64_t default_sequence = 128;  // used when BuildOptions.sequence_length is 0
};

// Inputs "input_ids", "attention_mask" (and "token_type_ids" for BERT), int64 [batch, L]; output
// "logits" float [batch, labels]. Errors on a config the graph cannot have (hidden not divisible by
// heads, L over the position table).
Result<Graph> build_text_classifier(const EncoderConfig& config, const BuildOptions& options);

}  // namespace edgerun::zoo
