// The transformer members of the zoo: Hugging Face configs, all built by build_text_classifier.
#include "models/zoo/transformer_encoder.h"

namespace edgerun::zoo {

namespace {

EncoderConfig bert_config(int64_t hidden, int64_t layers, int64_t heads, int64_t intermediate) {
  EncoderConfig c;
  c.name = "bert";
  c.hidden = hidden;
  c.layers = layers;
  c.heads = heads;
  c.intermediate = intermediate;
  return c;
}

// RoBERTa: byte-level BPE vocabulary, positions offset by padding_idx 1, one token type, eps 1e-5.
EncoderConfig roberta_config(int64_t hidden, int64_t layers, int64_t heads, int64_t intermediate) {
  EncoderConfig c = bert_config(hidden, layers, heads, intermediate);
  c.name = "roberta";
  c.roberta = true;
  c.vocab = 50265;
  c.max_positions = 514;
  c.type_vocab = 1;
  c.layer_norm_eps = 1e-5f;
  c.pad_id = 1;
  return c;
}

Result<Graph> build_bert(const BuildOptions& o) { return build_text_classifier(bert_config(768, 12, 12, 3072), o); }
Result<Graph> build_roberta(const BuildOptions& o) {
  return build_text_classifier(roberta_config(768, 12, 12, 3072), o);
}
Result<Graph> build_bert_student(const BuildOptions& o) {
  return build_text_classifier(bert_config(512, 4, 8, 2048), o);
}
Result<Graph> build_roberta_student(const BuildOptions& o) {
  return build_text_classifier(roberta_config(512, 4, 8, 2048), o);
}

}  // namespace

std::vector<ZooEntry> transformer_zoo_entries() {
  return {
      {"bert", "BERT-base uncased, 12 layers, hidden 768, seq 128, 2-class head",
       "HF BertForSequenceClassification(bert-base-uncased, num_labels=2)", build_bert},
      {"roberta", "RoBERTa-base, 12 layers, hidden 768, seq 128, 2-class head",
       "HF RobertaForSequenceClassification(roberta-base, num_labels=2)", build_roberta},
      {"bert-student", "BERT-small, 4 layers, hidden 512, 8 heads, seq 128, 2-class head",
       "HF BertForSequenceClassification(prajjwal1/bert-small, num_labels=2)", build_bert_student},
      {"roberta-student", "RoBERTa-tiny, 4 layers, hidden 512, 8 heads, seq 128, 2-class head",
       "HF RobertaForSequenceClassification: roberta-base embeddings, haisongzhang/roberta-tiny-cased body",
       build_roberta_student},
  };
}

}  // namespace edgerun::zoo
