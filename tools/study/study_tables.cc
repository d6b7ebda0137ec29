#include "tools/study/study_tables.h"

#include <cmath>
#include <string>

#include "tools/common/latency_stats.h"

namespace edgerun::study {
namespace {

std::string two_decimals(double v) { return fixed_cell(v, 2); }

// Median as bench_engine prints it (numpy's linear interpolation).
std::string median_text(const CellResult* cell, Latency latency) {
  if (cell == nullptr || latency_samples(*cell, latency).empty()) return "-";
  return two_decimals(summarize(latency_samples(*cell, latency)).median);
}

std::string join(const std::vector<std::string>& parts) {
  std::string text;
  for (const std::string& p : parts) text += (text.empty() ? "" : " / ") + p;
  return text;
}

std::string medians(const std::vector<CellResult>& cells, const std::string& model, const LayoutColumn& column,
                    Latency latency) {
  std::vector<std::string> parts;
  for (const Config& c : column.configs)
    parts.push_back(median_text(find_cell(cells, model, c.op, c.placement), latency));
  return join(parts);
}

double accuracy(const std::vector<CellResult>& cells, const std::string& model, const std::string& op) {
  for (const CellResult& c : cells) {
    if (c.model == model && c.op == op && !std::isnan(c.accuracy)) return c.accuracy;
  }
  return kNotMeasured;
}

std::string metric(const std::vector<CellResult>& cells, const std::string& model) {
  for (const CellResult& c : cells) {
    if (c.model == model && !c.metric.empty()) return c.metric;
  }
  return "";
}

std::string header_latency(Latency latency) {
  return std::string("model (") + latency_name(latency) + " median latency, ms";
}

}  // namespace

Table blackbox_table(const std::vector<CellResult>& all_cells, Latency latency) {
  const StudyLayout& layout = blackbox_layout();
  const std::vector<CellResult> cells = latest_cells(all_cells, layout.study);
  Table table;
  table.header.push_back(header_latency(latency) + ")");
  for (const LayoutColumn& column : layout.columns) table.header.push_back(column.label);
  // The accuracy of the operators of a tier column: partition does not change a model's accuracy.
  const LayoutColumn& tier = layout.columns.front();
  table.header.push_back("accuracy %, trained surrogate: I / Q / EE / QEE");
  for (const std::string& model : ordered_models(cells, layout)) {
    std::vector<std::string> row = {model_display_name(model)};
    for (const LayoutColumn& column : layout.columns) row.push_back(medians(cells, model, column, latency));
    std::vector<std::string> accuracies;
    for (const Config& c : tier.configs) accuracies.push_back(two_decimals(accuracy(cells, model, c.op)));
    const std::string m = metric(cells, model);
    row.push_back((m.empty() ? "" : m + ": ") + join(accuracies));
    table.rows.push_back(std::move(row));
  }
  return table;
}

Table whitebox_table(const std::vector<CellResult>& all_cells, Latency latency) {
  const StudyLayout& layout = whitebox_layout();
  const std::vector<CellResult> cells = latest_cells(all_cells, layout.study);
  Table table;
  table.header.push_back(header_latency(latency) + ": Mobile / Edge / Cloud; accuracy %, trained surrogate)");
  for (const LayoutColumn& column : layout.columns) table.header.push_back(column.label);
  const std::vector<std::string> models = ordered_models(cells, layout);
  for (const std::string& model : models) {
    std::vector<std::string> row = {model_display_name(model)};
    for (const LayoutColumn& column : layout.columns) row.push_back(medians(cells, model, column, latency));
    table.rows.push_back(std::move(row));
  }
  for (const std::string& model : models) {
    const std::string m = metric(cells, model);
    std::vector<std::string> row = {"accuracy " + model_display_name(model) + (m.empty() ? "" : " " + m)};
    for (const LayoutColumn& column : layout.columns) {
      row.push_back(two_decimals(accuracy(cells, model, column.configs.front().op)));
    }
    table.rows.push_back(std::move(row));
  }
  return table;
}

}  // namespace edgerun::study
