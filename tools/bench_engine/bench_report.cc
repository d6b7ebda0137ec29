#include "tools/bench_engine/bench_report.h"

#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "tools/common/latency_stats.h"

namespace edgerun {

namespace {

std::string number(double v, const char* fmt) {
  if (std::isnan(v)) return "-";
  char buf[64];
  std::snprintf(buf, sizeof buf, fmt, v);
  return buf;
}

// The accuracy columns every row repeats: placement does not change the weights.
std::string accuracy_header(const AccuracySummary& a) { return a.measured ? a.metric + " %" : "accuracy"; }

std::string format_table(const BenchReport& report) {
  std::string out = "\nbench_engine: " + report.model + ", --op " + report.op + "\n";
  for (const auto& [key, value] : report.facts) {
    char key_cell[16];
    std::snprintf(key_cell, sizeof key_cell, "%-10s", key.c_str());
    out += "  " + std::string(key_cell) + " " + value + "\n";
  }
  char line[512];
  std::snprintf(line, sizeof line, "\n%-26s %-7s %5s %10s %10s %10s %10s %10s %10s %10s %12s %9s %7s\n", "placement",
                "latency", "n", "median ms", "p90", "mean", "std", "min", "max", "peak MiB", "bytes/req",
                accuracy_header(report.accuracy).c_str(), "drop");
  out += line;
  for (const PlacementRow& row : report.rows) {
    const LatencyStats s = summarize(row.ms);
    std::snprintf(line, sizeof line, "%-26s %-7s %5zu %10.3f %10.3f %10.3f %10.3f %10.3f %10.3f %10s %12s %9s %7s\n",
                  row.placement.c_str(), row.latency.c_str(), s.count, s.median, s.p90, s.mean, s.stddev, s.min,
                  s.max, number(row.peak_memory_mb, "%.1f").c_str(), number(row.bytes_over_link, "%.0f").c_str(),
                  row.peer ? "-" : number(report.accuracy.percent, "%.2f").c_str(),
                  row.peer ? "-" : number(report.accuracy.drop, "%+.2f").c_str());
    out += line;
  }
  for (const PlacementRow& row : report.rows) {
    if (!row.note.empty()) out += "  " + row.placement + ": " + row.note + "\n";
  }
  const AccuracySummary& a = report.accuracy;
  if (a.measured) {
    out += "  accuracy and drop (points below identity) measured by edgerun on the trained surrogate, not on the "
           "full-size model: " + a.note + "\n";
  } else {
    out += "  accuracy n/a: " + a.note + "\n";
  }
  return out;
}

std::string csv_cell(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

std::string format_csv(const BenchReport& report) {
  std::string out =
      "model,op,placement,latency,samples,median_ms,p90_ms,mean_ms,std_ms,min_ms,max_ms,peak_memory_mb,"
      "bytes_over_link,metric,accuracy_percent,accuracy_drop,note\n";
  const AccuracySummary& a = report.accuracy;
  for (const PlacementRow& row : report.rows) {
    const LatencyStats s = summarize(row.ms);
    const auto num = [](double v) { return std::isnan(v) ? std::string() : number(v, "%.6g"); };
    out += csv_cell(report.model) + "," + csv_cell(report.op) + "," + csv_cell(row.placement) + "," + row.latency +
           "," + std::to_string(s.count) + "," + num(s.median) + "," + num(s.p90) + "," + num(s.mean) + "," +
           num(s.stddev) + "," + num(s.min) + "," + num(s.max) + "," + num(row.peak_memory_mb) + "," +
           num(row.bytes_over_link) + "," + csv_cell(row.peer ? "" : a.metric) + "," +
           (row.peer ? "" : num(a.percent)) + "," + (row.peer ? "" : num(a.drop)) + "," + csv_cell(row.note) + "\n";
  }
  return out;
}

nlohmann::json number_or_null(double v) { return std::isnan(v) ? nlohmann::json() : nlohmann::json(v); }

std::string format_json(const BenchReport& report) {
  nlohmann::json j;
  j["model"] = report.model;
  j["op"] = report.op;
  j["facts"] = nlohmann::json::object();
  for (const auto& [key, value] : report.facts) j["facts"][key] = value;
  const AccuracySummary& a = report.accuracy;
  j["accuracy"] = {{"measured_on", "trained surrogate"}, {"metric", a.metric},
                   {"percent", number_or_null(a.percent)}, {"drop", number_or_null(a.drop)}, {"note", a.note}};
  j["rows"] = nlohmann::json::array();
  for (const PlacementRow& row : report.rows) {
    const LatencyStats s = summarize(row.ms);
    j["rows"].push_back({{"placement", row.placement},
                         {"latency", row.latency},
                         {"samples", s.count},
                         {"median_ms", s.median},
                         {"p90_ms", s.p90},
                         {"mean_ms", s.mean},
                         {"std_ms", s.stddev},
                         {"min_ms", s.min},
                         {"max_ms", s.max},
                         {"samples_ms", row.ms},
                         {"peak_memory_mb", number_or_null(row.peak_memory_mb)},
                         {"bytes_over_link", number_or_null(row.bytes_over_link)},
                         {"peer", row.peer},
                         {"note", row.note}});
  }
  return j.dump(2) + "\n";
}

}  // namespace

Result<ReportFormat> parse_report_format(const std::string& name) {
  if (name == "table") return ReportFormat::kTable;
  if (name == "csv") return ReportFormat::kCsv;
  if (name == "json") return ReportFormat::kJson;
  return invalid_argument("--format must be table, csv or json, got '" + name + "'");
}

std::string format_report(const BenchReport& report, ReportFormat format) {
  switch (format) {
    case ReportFormat::kTable: return format_table(report);
    case ReportFormat::kCsv: return format_csv(report);
    case ReportFormat::kJson: return format_json(report);
  }
  return {};
}

}  // namespace edgerun
