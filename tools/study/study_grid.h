// The grids bench_engine --study runs and the Google Benchmark study suite registers: every (model,
// operator pipeline, placement) cell of a study's tables (study_layout.h), over the study's models, and
// the protocol each cell is measured with. --quick is the reduced grid that runs in about 15 minutes on
// a 2-core machine: fewer models and a shorter protocol, the same operators and placements.
#pragma once

#include <string>
#include <vector>

#include "graph/status.h"

namespace edgerun::study {

struct GridCell {
  std::string model, op, placement;
};

// Inputs x repetitions, the first `dropped` repetitions not recorded (the studies: 100 x 6, 1 dropped).
struct GridProtocol {
  int inputs = 0, repetitions = 0, dropped = 0;
  int64_t accuracy_limit = 0;  // test samples the surrogate is scored on; 0: the whole split
};

struct StudyGrid {
  std::string study;
  bool quick = false;
  std::vector<std::string> models;
  std::vector<GridCell> cells;  // model by model, in the layout's column order
  GridProtocol protocol;
};

// kBlackbox or kWhitebox; any other name is an invalid_argument naming the two.
Result<StudyGrid> study_grid(const std::string& study, bool quick);

}  // namespace edgerun::study
