// Tokenizer: cases written by hand from the spec, cases encoded by an independent Python tokenizer
// (tests/data/eval/tokenizer_cases.tsv, made by models/tools/make_eval_fixtures.py, L = 32), and the
// text-training tooling's own fixture (models/data/manpage_pairs/tokenizer_fixture.tsv, L = 128, with
// the bert surrogate's vocab.txt) once that model is trained.
#include "models/data/tokenizer.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

namespace edgerun::data {
namespace {

using Tokens = std::vector<std::string>;

void check_error(const Status& st, const std::string& fragment) {
  CAPTURE(st.to_string());
  CHECK(!st.ok());
  CHECK(st.message().find(fragment) != std::string::npos);
}

TEST_CASE("tokenizer: words, punctuation, case and whitespace by hand") {
  CHECK(tokenize("ls - list directory contents") == Tokens{"ls", "-", "list", "directory", "contents"});
  CHECK(tokenize("Copy SOURCE(s) to DEST.") == Tokens{"copy", "source", "(", "s", ")", "to", "dest", "."});
  CHECK(tokenize("x86_64 v2.0--a") == Tokens{"x86", "_", "64", "v2", ".", "0", "-", "-", "a"});
  // Bytes >= 0x80 and control characters split words like spaces and vanish.
  CHECK(tokenize("caf\xc3\xa9s na\xefve") == Tokens{"caf", "s", "na", "ve"});
  CHECK(tokenize("a\tb\nc\rd\x01"
                 "e\x7f"
                 "f\x1b[0m") == Tokens{"a", "b", "c", "d", "e", "f", "[", "0m"});
  CHECK(tokenize("~!@#$%^&*{}|\\\"'`<>?/;:") == Tokens{"~", "!",  "@",  "#", "$", "%", "^", "&", "*", "{", "}",
                                                       "|", "\\", "\"", "'", "`", "<", ">", "?", "/", ";", ":"});
  CHECK(tokenize("").empty());
  CHECK(tokenize("  \t\x80\xff ").empty());
  CHECK(tokenize(std::string("a\0b", 3)) == Tokens{"a", "b"});
}

TEST_CASE("tokenizer: pair encoding and truncation by hand") {
  const Result<Vocab> parsed = Vocab::parse("[PAD]\n[UNK]\n[CLS]\n[SEP]\na\nb\n-\n", "test vocab");
  REQUIRE_MESSAGE(parsed.ok(), parsed.status().to_string());
  const Vocab& vocab = parsed.value();
  CHECK(vocab.size() == 7);
  CHECK(vocab.id("a") == 4);
  CHECK(vocab.id("zzz") == kUnkId);
  // a = [a, -, zzz], b = [b]: [CLS] 4 6 1 [SEP] 5 [SEP] PAD PAD.
  Result<PairEncoding> e = encode_pair(vocab, "A-zzz", "B", 9);
  REQUIRE(e.ok());
  CHECK(e->input_ids == std::vector<int64_t>{2, 4, 6, 1, 3, 5, 3, 0, 0});
  CHECK(e->token_type_ids == std::vector<int64_t>{0, 0, 0, 0, 0, 1, 1, 0, 0});
  CHECK(e->attention_mask == std::vector<int64_t>{1, 1, 1, 1, 1, 1, 1, 0, 0});
  // Room for 4 of a's 5 and b's 3 tokens: a drops to 4, then 3; on the tie b drops to 2; then a to 2.
  e = encode_pair(vocab, "a a a a a", "b b b", 7);
  REQUIRE(e.ok());
  CHECK(e->input_ids == std::vector<int64_t>{2, 4, 4, 3, 5, 5, 3});
  CHECK(e->token_type_ids == std::vector<int64_t>{0, 0, 0, 0, 1, 1, 1});
  // Only the specials fit.
  e = encode_pair(vocab, "a", "b", 3);
  REQUIRE(e.ok());
  CHECK(e->input_ids == std::vector<int64_t>{2, 3, 3});
  CHECK(e->token_type_ids == std::vector<int64_t>{0, 0, 1});
  e = encode_pair(vocab, "", "", 4);
  REQUIRE(e.ok());
  CHECK(e->input_ids == std::vector<int64_t>{2, 3, 3, 0});
  CHECK(e->attention_mask == std::vector<int64_t>{1, 1, 1, 0});
  check_error(encode_pair(vocab, "a", "b", 2).status(), "at least 3");
}

TEST_CASE("tokenizer: vocabulary files are validated") {
  CHECK(Vocab::parse("[PAD]\n[UNK]\n[CLS]\n[SEP]", "v").ok());  // no final newline
  check_error(Vocab::parse("[PAD]\n[UNK]\n[CLS]\n", "v").status(), "fewer than the 4 special tokens");
  check_error(Vocab::parse("[UNK]\n[PAD]\n[CLS]\n[SEP]\n", "v").status(), "line 1: expected [PAD]");
  check_error(Vocab::parse("[PAD]\n[UNK]\n[CLS]\n[SEP]\na\n\nb\n", "v").status(), "line 6: empty token");
  check_error(Vocab::parse("[PAD]\n[UNK]\n[CLS]\n[SEP]\na\na\n", "v").status(), "line 6: duplicate token 'a'");
  check_error(Vocab::parse("[PAD]\n[UNK]\n[CLS]\n[SEP]\na b\n", "v").status(), "whitespace");
  check_error(Vocab::parse("[PAD]\r\n[UNK]\n[CLS]\n[SEP]\n", "v").status(), "whitespace");
  check_error(Vocab::parse("[PAD]\n[UNK]\n[CLS]\n[SEP]\ncaf\xc3\xa9\n", "v").status(), "non-ASCII");
  check_error(Vocab::load("/nonexistent/vocab.txt").status(), "does not exist");
}

std::vector<int64_t> ints(const std::string& field) {
  std::istringstream in(field);
  return std::vector<int64_t>(std::istream_iterator<int64_t>(in), std::istream_iterator<int64_t>());
}

// Each line: summary, description, ids, type ids, mask (space-separated), tab-separated.
int check_fixture(const std::string& cases_path, const std::string& vocab_path, int64_t length) {
  Result<Vocab> vocab = Vocab::load(vocab_path);
  REQUIRE_MESSAGE(vocab.ok(), vocab.status().to_string());
  std::ifstream in(cases_path, std::ios::binary);
  REQUIRE(in.good());
  std::string line;
  int cases = 0;
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    size_t start = 0;
    for (size_t tab; (tab = line.find('\t', start)) != std::string::npos; start = tab + 1)
      f.push_back(line.substr(start, tab - start));
    f.push_back(line.substr(start));
    REQUIRE(f.size() == 5);
    CAPTURE(f[0]);
    CAPTURE(f[1]);
    Result<PairEncoding> e = encode_pair(vocab.value(), f[0], f[1], length);
    REQUIRE(e.ok());
    CHECK(e->input_ids == ints(f[2]));
    CHECK(e->token_type_ids == ints(f[3]));
    CHECK(e->attention_mask == ints(f[4]));
    ++cases;
  }
  return cases;
}

TEST_CASE("tokenizer: agrees with an independent Python tokenizer") {
  const std::string dir = std::string(EDGERUN_TEST_DATA_DIR) + "/eval/";
  CHECK(check_fixture(dir + "tokenizer_cases.tsv", dir + "vocab.txt", 32) == 16);
}

TEST_CASE("tokenizer: agrees with the text-training tooling's fixture") {
  const std::string root = std::string(EDGERUN_TEST_DATA_DIR) + "/../../models/";
  const std::string fixture = root + "data/manpage_pairs/tokenizer_fixture.tsv";
  const std::string vocab = root + "trained/bert/vocab.txt";
  // Both come with the trained bert surrogate; a tree without it has nothing to compare.
  if (!std::filesystem::exists(vocab)) {
    MESSAGE("no models/trained/bert/vocab.txt: the training tooling's tokenizer fixture is not compared");
    return;
  }
  REQUIRE_MESSAGE(std::filesystem::exists(fixture), "models/trained/bert exists but tokenizer_fixture.tsv does not");
  CHECK(check_fixture(fixture, vocab, 128) > 0);
}

}  // namespace
}  // namespace edgerun::data
