// Early exit on a trained surrogate (deployment_operator.h): the graph its accuracy is measured on.
//   static   the fp32 surrogate with its last blocks skipped (exit_points.h apply_static_skip);
//   dynamic  exit heads fitted on the first fit_rows rows of the task's train data (self-distillation
//            from the model's own output, or the labels), thresholds chosen on the next calib_rows rows
//            so the task metric loses at most max_drop points there, then armed.
// sptq+early_exit quantizes (operators/sptq, op.sptq on op.train_rows train rows) after the heads are
// fitted and before the thresholds are chosen, so they are chosen on the INT8 model.
#pragma once

#include <string>
#include <vector>

#include "models/data/trained_record.h"
#include "operators/early_exit/exit_heads.h"
#include "tools/deployment/deployment_operator.h"

namespace edgerun {

struct TrainedEarlyExit {
  Graph graph;
  std::string summary;                  // what was done, one line per step
  std::vector<std::string> exit_names;  // dynamic: the blocks with a head
  std::vector<early_exit::FitReport> fits;
  early_exit::ThresholdChoice choice;   // dynamic: thresholds and rates on the calibration rows
};

Result<TrainedEarlyExit> trained_early_exit(const data::TrainedRecord& record, const OperatorOptions& op, int threads);

}  // namespace edgerun
