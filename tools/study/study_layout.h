// The layout of the studies' tables (../shared/STUDIES.md): which cells of a results file go in which
// column, under which label, and in which order the models and configurations appear. A grid's cells land
// in these tables only when their op and placement are spelled as here.
#pragma once

#include <string>
#include <vector>

#include "tools/study/study_results.h"

namespace edgerun::study {

struct Config {
  std::string op, placement;
};

// One column of a latency table: its cell shows the medians of `configs` joined by " / ".
struct LayoutColumn {
  std::string label;
  std::vector<Config> configs;
};

struct StudyLayout {
  std::string study;                // kBlackbox or kWhitebox
  std::vector<std::string> models;  // row order; models not listed follow in order of appearance
  std::vector<LayoutColumn> columns;
};

// Black-box: Mobile / Edge / Cloud columns of I / Q / EE / QEE (identity, sptq, early_exit,
// sptq+early_exit), then Mobile-Edge P / QEEP (partition, sptq+early_exit+partition).
const StudyLayout& blackbox_layout();
// White-box: Identity / SPTQ / QAT / Pruned / Distilled / DSPTQ (identity, sptq, qat, prune, distill,
// distill+sptq), each Mobile / Edge / Cloud, then the study's partition hybrid SPTQ-P on Mobile-Edge
// (sptq+partition), which STUDIES.md's table leaves out but its finding 6 needs.
const StudyLayout& whitebox_layout();
// The layout of `study`; any other name gets an empty layout (everything in order of appearance).
StudyLayout layout_for(const std::string& study);

// The studies' names of the zoo models (resnet -> ResNet); other names unchanged.
std::string model_display_name(const std::string& model);

// The cells of `study`, one per key: a key measured again (appended later) replaces its earlier cell.
// In order of each key's first appearance.
std::vector<CellResult> latest_cells(const std::vector<CellResult>& cells, const std::string& study);

// Models of `cells` (all of one study) in the layout's order, then the rest in order of appearance.
std::vector<std::string> ordered_models(const std::vector<CellResult>& cells, const StudyLayout& layout);

// The cells of `model` in the layout's column order, then the rest (edge-cloud, ...) in order of appearance.
std::vector<const CellResult*> model_cells(const std::vector<CellResult>& cells, const StudyLayout& layout,
                                           const std::string& model);

// The cell of (model, op, placement) among `cells` (all of one study, as latest_cells gives them), or null.
const CellResult* find_cell(const std::vector<CellResult>& cells, const std::string& model, const std::string& op,
                            const std::string& placement);

enum class Latency { kWarm, kCold };
const char* latency_name(Latency latency);  // "warm", "cold"
const std::vector<double>& latency_samples(const CellResult& cell, Latency latency);

}  // namespace edgerun::study
