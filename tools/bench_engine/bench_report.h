// What one bench_engine run measured, as data: a row per placement and latency kind (warm runs of a
// compiled session, or cold requests that load and compile first), the accuracy of the trained
// surrogate after the same operator pipeline, and the facts about the run. The three renderings of
// --format: an aligned text table, CSV (one line per row) and JSON (one object, every sample kept).
#pragma once

#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "graph/status.h"
#include "tools/bench_engine/accuracy_summary.h"

namespace edgerun {

inline constexpr double kNotApplicable = std::numeric_limits<double>::quiet_NaN();

struct PlacementRow {
  std::string placement;  // "local" (this process), "edge", "mobile-edge", ...; a peer names itself
  std::string latency;    // "warm" or "cold"
  std::vector<double> ms;
  double peak_memory_mb = kNotApplicable;   // the largest peak resident set of the row's processes
  double bytes_over_link = kNotApplicable;  // per request, all links (0 on one tier; n/a in-process)
  std::string note;                         // "this process, no tier limits", "peer: ONNX Runtime ..."
  bool peer = false;                        // a reference row from another runtime
};

struct BenchReport {
  std::string model, op;                                  // as asked
  std::vector<std::pair<std::string, std::string>> facts;  // ("engine", "native kernels, ..."), in order
  std::vector<PlacementRow> rows;
  AccuracySummary accuracy;
};

enum class ReportFormat { kTable, kCsv, kJson };
Result<ReportFormat> parse_report_format(const std::string& name);  // table | csv | json

std::string format_report(const BenchReport& report, ReportFormat format);

}  // namespace edgerun
