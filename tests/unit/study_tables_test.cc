// The study grids' results file (study_results.h) and the tables made from it (study_tables.h,
// statistics_tables.h, table_format.h): round trips, torn and malformed lines, the studies' table layouts
// against Markdown written out by hand, LaTeX structure, and the statistics tables against statistics.h
// called directly.
#include "tools/study/study_tables.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tools/study/statistics.h"
#include "tools/study/statistics_tables.h"
#include "tools/study/study_results.h"

namespace edgerun::study {
namespace {

namespace fs = std::filesystem;

// A results file path of its own, removed at the end.
struct TempResults {
  std::string path;
  explicit TempResults(const std::string& name)
      : path((fs::temp_directory_path() / ("edgerun_study_" + std::to_string(getpid()) + "_" + name + ".jsonl"))
                 .string()) {
    fs::remove(path);
  }
  ~TempResults() { fs::remove(path); }
};

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_text(const std::string& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

CellResult cell(const std::string& study, const std::string& model, const std::string& op, const std::string& placement,
                std::vector<double> warm, std::vector<double> cold = {}) {
  CellResult c;
  c.study = study;
  c.model = model;
  c.op = op;
  c.placement = placement;
  c.warm_ms = std::move(warm);
  c.cold_ms = std::move(cold);
  return c;
}

bool same_number(double a, double b) { return (std::isnan(a) && std::isnan(b)) || a == b; }

void check_same(const CellResult& a, const CellResult& b) {
  CHECK(a.key() == b.key());
  CHECK(a.warm_ms == b.warm_ms);
  CHECK(a.cold_ms == b.cold_ms);
  CHECK(a.metric == b.metric);
  CHECK(same_number(a.accuracy, b.accuracy));
  CHECK(same_number(a.accuracy_drop, b.accuracy_drop));
  CHECK(a.per_sample_scores == b.per_sample_scores);
  CHECK(same_number(a.peak_memory_mb, b.peak_memory_mb));
  CHECK(same_number(a.bytes_over_link, b.bytes_over_link));
  CHECK(a.machine == b.machine);
}

TEST_CASE("study results: round trip of full and empty cells") {
  TempResults file("round_trip");
  CellResult full =
      cell(kBlackbox, "resnet", "sptq+early_exit", "mobile-edge", {0.1, 1e-300, 12345.678901234567}, {2.5, 0});
  full.metric = "top-1";
  full.accuracy = 75.39;
  full.accuracy_drop = -0.125;  // better than identity
  full.per_sample_scores = {1, 0, 0.333333333333333314829616256247};
  full.peak_memory_mb = 512.25;
  full.bytes_over_link = 0;
  full.machine = "Intel \"Xeon\" caf\xc3\xa9\n2 threads";
  const CellResult empty = cell(kWhitebox, "bert", "identity", "cloud", {});  // NaNs and empty vectors

  REQUIRE(append_result(file.path, full).ok());
  REQUIRE(append_result(file.path, empty).ok());
  const std::string text = read_text(file.path);
  CHECK(std::count(text.begin(), text.end(), '\n') == 2);  // one line per cell, the newline escaped
  CHECK(text.find("\"accuracy\":null") != std::string::npos);

  auto read = read_results(file.path);
  REQUIRE(read.ok());
  CHECK(read->torn_line == 0);
  CHECK(read->warning.empty());
  REQUIRE(read->cells.size() == 2);
  check_same(read->cells[0], full);
  check_same(read->cells[1], empty);
  CHECK(has_cell(read->cells, full.key()));
  CHECK(has_cell(read->cells, CellKey{kWhitebox, "bert", "identity", "cloud"}));
  CHECK_FALSE(has_cell(read->cells, CellKey{kBlackbox, "bert", "identity", "cloud"}));
}

TEST_CASE("study results: a torn last line is skipped, reported and cut by the next append") {
  TempResults file("torn");
  REQUIRE(append_result(file.path, cell(kBlackbox, "resnet", "identity", "edge", {1, 2})).ok());
  REQUIRE(append_result(file.path, cell(kBlackbox, "resnet", "sptq", "edge", {3})).ok());
  const std::string complete = read_text(file.path);
  write_text(file.path, complete + "{\"study\":\"blackbox\",\"model\":\"res");  // killed mid-write

  auto read = read_results(file.path);
  REQUIRE(read.ok());
  CHECK(read->cells.size() == 2);
  CHECK(read->torn_line == 3);
  CHECK(read->warning.find(file.path + ":3: unterminated last line") != std::string::npos);
  CHECK_FALSE(has_cell(read->cells, CellKey{kBlackbox, "resnet", "early_exit", "edge"}));

  // Even a complete object without its newline counts as torn: a line counts once its '\n' is written.
  write_text(file.path,
             complete + "{\"study\":\"blackbox\",\"model\":\"m\",\"op\":\"identity\",\"placement\":\"edge\"}");
  read = read_results(file.path);
  REQUIRE(read.ok());
  CHECK(read->cells.size() == 2);
  CHECK(read->torn_line == 3);

  REQUIRE(append_result(file.path, cell(kBlackbox, "resnet", "early_exit", "edge", {4})).ok());
  CHECK(read_text(file.path).substr(0, complete.size()) == complete);
  read = read_results(file.path);
  REQUIRE(read.ok());
  CHECK(read->torn_line == 0);
  REQUIRE(read->cells.size() == 3);
  CHECK(read->cells[2].key() == CellKey{kBlackbox, "resnet", "early_exit", "edge"});
  CHECK(read->cells[2].warm_ms == std::vector<double>{4});
}

TEST_CASE("study results: malformed and invalid lines are errors naming the line") {
  TempResults file("malformed");
  REQUIRE(append_result(file.path, cell(kBlackbox, "resnet", "identity", "edge", {1})).ok());
  const std::string good = read_text(file.path);
  const std::string key = "\"study\":\"blackbox\",\"model\":\"resnet\",\"op\":\"sptq\",\"placement\":\"edge\"";
  struct Case {
    std::string line, message;
  };
  const Case cases[] = {
      {"{not json", ":2: not valid JSON"},
      {"[1, 2]", ":2: must be a JSON object, got array"},
      {"{" + key + ",\"warm_ms\":[1,\"x\"]}", ":2: field 'warm_ms': value 1 must be a number, got \"x\""},
      {"{" + key + ",\"warm_ms\":[1,-2]}", ":2: field 'warm_ms': value 1 is -2, must be finite and >= 0"},
      {"{" + key + ",\"accuracy\":\"high\"}", ":2: field 'accuracy': must be a number or null, got string"},
      {"{" + key + ",\"latency\":[1]}", ":2: unknown key 'latency'"},
      {"{\"study\":\"blackbox\",\"model\":\"resnet\",\"op\":\"sptq\"}", ":2: field 'placement': missing"},
      {"{" + key + ",\"model\":\"\"}", ":2: field 'model': must not be empty"},
  };
  for (const Case& c : cases) {
    INFO(c.line);
    write_text(file.path, good + c.line + "\n\n" + good);  // a blank line is skipped
    auto read = read_results(file.path);
    REQUIRE_FALSE(read.ok());
    CHECK(read.status().code() == StatusCode::kInvalidArgument);
    CHECK(read.status().message().find(file.path + c.message) == 0);
  }
  write_text(file.path, good + "\n" + good);  // blank lines alone are fine
  auto read = read_results(file.path);
  REQUIRE(read.ok());
  CHECK(read->cells.size() == 2);
}

TEST_CASE("study results: invalid cells are not appended; a missing file is not_found") {
  TempResults file("invalid");
  Status st = append_result(file.path, cell(kBlackbox, "resnet", "identity", "edge", {1, NAN}));
  CHECK(st.code() == StatusCode::kInvalidArgument);
  CHECK(st.message() ==
        "cell blackbox resnet identity @ edge: field 'warm_ms': value 1 is nan, must be finite and >= 0");
  CellResult c = cell(kBlackbox, "resnet", "identity", "", {1});
  CHECK(append_result(file.path, c).message() ==
        "cell blackbox resnet identity @ : field 'placement': must not be empty");
  c = cell(kBlackbox, "resnet", "identity", "edge", {1});
  c.accuracy = INFINITY;
  CHECK(append_result(file.path, c).code() == StatusCode::kInvalidArgument);
  CHECK_FALSE(fs::exists(file.path));
  CHECK(read_results(file.path).status().code() == StatusCode::kNotFound);
}

// Black-box cells: DUC first (the layout puts ResNet first), a key measured twice, an unlisted model, a
// white-box cell that must not show.
std::vector<CellResult> blackbox_cells() {
  std::vector<CellResult> cells;
  cells.push_back(cell(kBlackbox, "duc", "identity", "edge", {100, 300, 200}));
  CellResult identity = cell(kBlackbox, "resnet", "identity", "mobile", {3, 1, 2}, {10, 20});
  identity.metric = "top-1";
  identity.accuracy = 80.5;
  cells.push_back(identity);
  CellResult sptq = cell(kBlackbox, "resnet", "sptq", "mobile", {1.5, 0.5, 1.25, 0.75});
  sptq.metric = "top-1";
  sptq.accuracy = 79.25;
  cells.push_back(sptq);
  cells.push_back(cell(kBlackbox, "resnet", "identity", "edge", {4}));
  cells.push_back(cell(kBlackbox, "resnet", "early_exit", "cloud", {0.25}));
  cells.push_back(cell(kBlackbox, "resnet", "partition", "mobile-edge", {7.5}));
  cells.push_back(cell(kBlackbox, "resnet", "partition", "edge-cloud", {9}));  // not in the table
  cells.push_back(cell(kBlackbox, "tinynet", "identity", "mobile", {1}));
  cells.push_back(cell(kBlackbox, "resnet", "identity", "edge", {6}));  // measured again: replaces 4
  cells.push_back(cell(kWhitebox, "resnet", "sptq", "edge", {99}));
  return cells;
}

TEST_CASE("study tables: black-box layout in Markdown") {
  const std::string header =
      "| model (warm median latency, ms) | Mobile I / Q / EE / QEE | Edge I / Q / EE / QEE | Cloud I / Q / EE / QEE "
      "| Mobile-Edge P / QEEP | accuracy %, trained surrogate: I / Q / EE / QEE |\n"
      "| --- | --- | --- | --- | --- | --- |\n";
  CHECK(to_markdown(blackbox_table(blackbox_cells(), Latency::kWarm)) ==
        header +
            "| ResNet | 2.00 / 1.00 / - / - | 6.00 / - / - / - | - / - / 0.25 / - | 7.50 / - "
            "| top-1: 80.50 / 79.25 / - / - |\n"
            "| DUC | - / - / - / - | 200.00 / - / - / - | - / - / - / - | - / - | - / - / - / - |\n"
            "| tinynet | 1.00 / - / - / - | - / - / - / - | - / - / - / - | - / - | - / - / - / - |\n");

  std::string cold = header;
  cold.replace(cold.find("warm"), 4, "cold");
  CHECK(to_markdown(blackbox_table(blackbox_cells(), Latency::kCold)) ==
        cold +
            "| ResNet | 15.00 / - / - / - | - / - / - / - | - / - / - / - | - / - | top-1: 80.50 / 79.25 / - / - |\n"
            "| DUC | - / - / - / - | - / - / - / - | - / - / - / - | - / - | - / - / - / - |\n"
            "| tinynet | - / - / - / - | - / - / - / - | - / - / - / - | - / - | - / - / - / - |\n");
}

TEST_CASE("study tables: white-box layout in Markdown, accuracy rows") {
  std::vector<CellResult> cells;
  CellResult identity = cell(kWhitebox, "resnet", "identity", "edge", {2, 4});
  identity.metric = "top-1";
  identity.accuracy = 81;
  cells.push_back(cell(kWhitebox, "bert", "qat", "edge", {5, 1, 4, 2, 3}));
  cells.back().metric = "F1";
  cells.back().accuracy = 88.4;
  cells.push_back(cell(kWhitebox, "resnet", "identity", "mobile", {99}));
  cells.push_back(identity);
  CellResult dsptq = cell(kWhitebox, "resnet", "distill+sptq", "cloud", {0.5});
  dsptq.accuracy = 78.5;
  cells.push_back(dsptq);
  cells.push_back(cell(kWhitebox, "resnet", "sptq+partition", "mobile-edge", {12}));
  cells.push_back(cell(kBlackbox, "resnet", "sptq", "edge", {1}));  // other study

  CHECK(to_markdown(whitebox_table(cells, Latency::kWarm)) ==
        "| model (warm median latency, ms: Mobile / Edge / Cloud; accuracy %, trained surrogate) | Identity | SPTQ "
        "| QAT | Pruned | Distilled | DSPTQ | SPTQ-P (Mobile-Edge) |\n"
        "| --- | --- | --- | --- | --- | --- | --- | --- |\n"
        "| ResNet | 99.00 / 3.00 / - | - / - / - | - / - / - | - / - / - | - / - / - | - / - / 0.50 | 12.00 |\n"
        "| BERT | - / - / - | - / - / - | - / 3.00 / - | - / - / - | - / - / - | - / - / - | - |\n"
        "| accuracy ResNet top-1 | 81.00 | - | - | - | - | 78.50 | - |\n"
        "| accuracy BERT F1 | - | - | 88.40 | - | - | - | - |\n");
}

// Each line between \midrule and \bottomrule is a row ending in "\\" with one '&' fewer than columns.
void check_latex_structure(const std::string& latex, size_t columns, size_t rows) {
  INFO(latex);
  std::istringstream in(latex);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  REQUIRE(lines.size() == rows + 6);
  CHECK(lines[0] == "\\begin{tabular}{l" + std::string(columns - 1, 'r') + "}");
  CHECK(lines[1] == "\\toprule");
  CHECK(lines[3] == "\\midrule");
  CHECK(lines[lines.size() - 2] == "\\bottomrule");
  CHECK(lines.back() == "\\end{tabular}");
  for (size_t i = 2; i < lines.size() - 2; ++i) {
    if (i == 3) continue;
    INFO(lines[i]);
    CHECK(lines[i].size() >= 3);
    CHECK(lines[i].substr(lines[i].size() - 3) == " \\\\");
    size_t ampersands = 0;
    for (size_t k = 0; k < lines[i].size(); ++k)
      ampersands += lines[i][k] == '&' && (k == 0 || lines[i][k - 1] != '\\');
    CHECK(ampersands == columns - 1);
  }
}

TEST_CASE("study tables: LaTeX") {
  Table small{{"a_b", "50%"}, {{"x&y", "-"}, {"{#$}", "~^\\"}}};
  CHECK(to_latex(small) ==
        "\\begin{tabular}{lr}\n\\toprule\na\\_b & 50\\% \\\\\n\\midrule\nx\\&y & - \\\\\n"
        "\\{\\#\\$\\} & \\textasciitilde{}\\textasciicircum{}\\textbackslash{} \\\\\n\\bottomrule\n\\end{tabular}\n");
  check_latex_structure(to_latex(small), 2, 2);
  check_latex_structure(to_latex(blackbox_table(blackbox_cells(), Latency::kWarm)), 6, 3);
  check_latex_structure(to_latex(whitebox_table(blackbox_cells(), Latency::kCold)), 8, 2);  // one model: ResNet
}

// Latency-like samples, deterministic and with ties.
std::vector<double> samples(int base, int n) {
  std::vector<double> v;
  for (int i = 0; i < n; ++i) v.push_back(base + (i * 7 + base) % 11 * 0.5);
  return v;
}

// A number printed with `decimals` decimals (or 3 significant digits) equals `expected` to that precision.
void check_cell(const std::string& text, double expected, double tolerance) {
  INFO(text << " vs " << expected);
  CHECK(std::fabs(std::stod(text) - expected) <= tolerance);
}

TEST_CASE("study statistics tables: the numbers of statistics.h, in the layout's order") {
  std::vector<CellResult> cells;
  cells.push_back(cell(kBlackbox, "resnet", "partition", "edge-cloud", samples(9, 12)));  // not in the layout: last
  cells.push_back(cell(kBlackbox, "resnet", "sptq", "edge", samples(6, 10)));
  cells.push_back(cell(kBlackbox, "resnet", "identity", "mobile", samples(10, 8)));
  cells.push_back(cell(kBlackbox, "resnet", "identity", "edge", {}, {5}));     // no warm samples: left out
  cells.push_back(cell(kBlackbox, "duc", "identity", "edge", samples(1, 5)));  // another model
  cells.push_back(cell(kWhitebox, "resnet", "qat", "edge", samples(1, 5)));    // another study
  // Layout order: identity @ mobile, sptq @ edge; then partition @ edge-cloud.
  const std::vector<std::vector<double>> groups = {samples(10, 8), samples(6, 10), samples(9, 12)};
  const char* const labels[] = {"identity @ mobile", "sptq @ edge", "partition @ edge-cloud"};

  const std::vector<double> identity_scores = {1, 0, 1, 1, 0, 1, 1, 1, 0, 1, 1, 0};
  const std::vector<double> sptq_scores = {1, 0, 0, 1, 0, 1, 1, 0, 0, 1, 1, 0};
  cells[1].per_sample_scores = sptq_scores;
  cells[1].accuracy = 50;
  cells[2].per_sample_scores = identity_scores;
  cells[2].accuracy = 66.67;

  auto stats = model_statistics(cells, kBlackbox, "resnet", Latency::kWarm);
  REQUIRE(stats.ok());
  const auto kw = kruskal_wallis(groups);
  REQUIRE(kw.ok());
  REQUIRE(stats->kruskal_wallis.rows.size() == 1);
  const std::vector<std::string>& test = stats->kruskal_wallis.rows[0];
  CHECK(test[0] == "ResNet");
  CHECK(test[1] == "warm");
  CHECK(test[2] == "3");
  CHECK(test[3] == "30");
  check_cell(test[4], kw->h, 5e-4);
  CHECK(test[5] == "2");
  check_cell(test[6], kw->p_value, 6e-3 * kw->p_value);

  const auto pairs = conover(groups, PAdjust::kHolm);
  REQUIRE(pairs.ok());
  REQUIRE(stats->latency_pairs.rows.size() == 3);
  for (size_t i = 0; i < 3; ++i) {
    const ConoverPair& pair = pairs->pairs[i];
    const std::vector<std::string>& row = stats->latency_pairs.rows[i];
    REQUIRE(row.size() == stats->latency_pairs.header.size());
    CHECK(row[0] == labels[pair.a]);
    CHECK(row[1] == labels[pair.b]);
    check_cell(row[4], pair.t, 5e-4);
    check_cell(row[5], pair.p_value, 6e-3 * pair.p_value);
    const auto delta = cliffs_delta(groups[pair.a], groups[pair.b]);
    REQUIRE(delta.ok());
    check_cell(row[6], delta->delta, 5e-4);
    CHECK(row[7] == cliff_magnitude_name(delta->magnitude));
  }
  // identity @ mobile's 8 samples: the median is the mean of the 4th and 5th smallest.
  std::vector<double> sorted = groups[0];
  std::sort(sorted.begin(), sorted.end());
  check_cell(stats->latency_pairs.rows[0][2], (sorted[3] + sorted[4]) / 2, 5e-3);

  const auto w = wilcoxon_signed_rank(sptq_scores, identity_scores);
  const auto accuracy_delta = cliffs_delta(sptq_scores, identity_scores);
  REQUIRE(w.ok());
  REQUIRE(accuracy_delta.ok());
  REQUIRE(stats->accuracy_pairs.rows.size() == 1);
  const std::vector<std::string>& acc = stats->accuracy_pairs.rows[0];
  CHECK(acc[0] == "sptq");
  CHECK(acc[1] == "50.00");
  CHECK(acc[2] == "66.67");
  CHECK(acc[3] == "12");
  CHECK(acc[4] == std::to_string(w->n));
  CHECK(w->n == 2);  // the two samples identity got right and sptq did not
  check_cell(acc[5], w->statistic, 0.05);
  check_cell(acc[6], w->p_value, 6e-3 * w->p_value);
  check_cell(acc[7], accuracy_delta->delta, 5e-4);
  CHECK(acc[8] == cliff_magnitude_name(accuracy_delta->magnitude));

  check_latex_structure(to_latex(stats->latency_pairs), 8, 3);
  CHECK(to_latex(stats->latency_pairs).find("partition @ edge-cloud") != std::string::npos);
}

TEST_CASE("study statistics tables: too few configurations, mismatched score vectors") {
  std::vector<CellResult> cells = {cell(kBlackbox, "duc", "identity", "edge", {1, 2, 3})};
  auto stats = model_statistics(cells, kBlackbox, "duc", Latency::kWarm);
  REQUIRE(stats.ok());
  CHECK(stats->kruskal_wallis.rows[0] == std::vector<std::string>{"DUC", "warm", "1", "3", "-", "-", "-"});
  CHECK(stats->latency_pairs.rows.empty());
  CHECK(stats->accuracy_pairs.rows.empty());

  cells[0].per_sample_scores = {1, 0, 1};
  cells.push_back(cell(kBlackbox, "duc", "sptq", "edge", {4, 5, 6}));
  cells.back().per_sample_scores = {1, 0};
  stats = model_statistics(cells, kBlackbox, "duc", Latency::kWarm);
  REQUIRE_FALSE(stats.ok());
  CHECK(stats.status().code() == StatusCode::kInvalidArgument);
  CHECK(stats.status().message().find("duc accuracy of sptq against identity: ") == 0);
}

}  // namespace
}  // namespace edgerun::study
