// The results of a study grid (bench_engine --study blackbox|whitebox): one CellResult per measured
// configuration (model x operator pipeline x placement), kept in a JSON Lines file that a grid appends to
// one finished cell at a time, so that a killed run loses at most the cell it was measuring and a rerun
// skips the cells already in the file (has_cell).
//
// The file: one JSON object per line, its keys the fields of CellResult (NaN written as null), every line
// ended by '\n'. A line counts only once its '\n' is written: an unterminated last line is what a run
// killed mid-write leaves, so read_results skips and reports it and the next append_result cuts it off.
// Any other line that is not a valid cell is an error naming its line number.
#pragma once

#include <cstddef>
#include <limits>
#include <string>
#include <vector>

#include "graph/status.h"

namespace edgerun::study {

// The study names bench_engine --study takes.
inline constexpr const char* kBlackbox = "blackbox";
inline constexpr const char* kWhitebox = "whitebox";

// What identifies a cell of a grid. All four are non-empty.
struct CellKey {
  std::string study;      // kBlackbox or kWhitebox (any non-empty name is kept)
  std::string model;      // zoo name as bench_engine --model takes it: resnet, resnext, fcn, duc, bert, roberta
  std::string op;         // operator pipeline as bench_engine --op takes it: identity, sptq, sptq+early_exit, ...
  std::string placement;  // mobile, edge, cloud, mobile-edge, edge-cloud, mobile-cloud

  bool operator==(const CellKey& o) const {
    return study == o.study && model == o.model && op == o.op && placement == o.placement;
  }
  std::string to_string() const;  // "blackbox resnet sptq @ edge"
};

inline constexpr double kNotMeasured = std::numeric_limits<double>::quiet_NaN();

struct CellResult {
  std::string study, model, op, placement;  // the key, as in CellKey
  // Latency samples in milliseconds, warm-up repetitions already dropped; empty when not measured.
  std::vector<double> warm_ms;  // steady state: the session created once, then timed runs
  std::vector<double> cold_ms;  // per request: load + first inference (the studies' protocol)
  // Accuracy of the trained surrogate after the same pipeline (bench_engine's surrogate_accuracy.h), not
  // of the full-size model whose latency is measured. Placement does not change it.
  std::string metric;                   // "top-1", "F1", "mIoU", ...; empty when not measured
  double accuracy = kNotMeasured;       // percent
  double accuracy_drop = kNotMeasured;  // percentage points below identity's (negative: better)
  // The metric's per test sample score (1/0 correct for top-1, per-image IoU, ...) in test-set order, for
  // the paired Wilcoxon test against identity; empty when not recorded.
  std::vector<double> per_sample_scores;
  double peak_memory_mb = kNotMeasured;   // peak resident memory of the tiers, MiB
  double bytes_over_link = kNotMeasured;  // per request, all links together; 0 on a single tier
  std::string machine;                    // where it ran: CPU model, threads, ISA

  CellKey key() const { return CellKey{study, model, op, placement}; }
};

// Appends `cell` as one line and flushes it to disk (fsync). An unterminated last line (a torn write) is
// cut off first so the new line starts a line of its own. Creates the file if it does not exist. Invalid
// cells (an empty key field, a non-finite latency or score, an infinite accuracy, a negative latency,
// memory or byte count) are an invalid_argument Status and nothing is written.
Status append_result(const std::string& path, const CellResult& cell);

struct ResultsFile {
  std::vector<CellResult> cells;  // in file order; a key may repeat (tables take its last cell)
  size_t torn_line = 0;           // 1-based line number of a skipped unterminated last line; 0: none
  std::string warning;            // says what was skipped and why, when torn_line != 0
};

// Reads a results file. A missing file is not_found; a malformed or invalid line (other than the
// unterminated last line) is invalid_argument "<path>:<line>: ...". Blank lines are skipped.
Result<ResultsFile> read_results(const std::string& path);

// Whether the grid has measured `key` already.
bool has_cell(const std::vector<CellResult>& cells, const CellKey& key);

}  // namespace edgerun::study
