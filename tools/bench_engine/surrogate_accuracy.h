// Accuracy for bench_engine's tables: a full-size zoo model has random (seeded) weights, so its
// accuracy comes from the trained surrogate of the same family (models/trained/<zoo-name>/),
// evaluated natively on the surrogate's real test data, after the same operator pipeline
// (operator_pipeline.h; partition does not change it, early_exit is early_exit_bench.h's):
//   identity  the variant asked for (fp32, qat, pruned);
//   otherwise the fp32 surrogate first (identity, what every drop is against), then the surrogate after
//   each step in turn:
//   distill   the student's surrogate (models/trained/<zoo-name>-student/) in place of the teacher's;
//   prune     the trained pruned variant (where the surrogate has one) and one-shot magnitude pruning
//             of its fp32 model, each carried through the later steps;
//   sptq      each model so far quantized by operators/sptq on its task's train data;
//   qat       the qat variant.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

#include "graph/status.h"
#include "tools/bench_engine/accuracy_summary.h"
#include "tools/deployment/deployment_operator.h"

namespace edgerun {

struct AccuracyOptions {
  std::string variant = "fp32";
  int64_t limit = 0;  // first N test samples; 0: the whole split
  int threads = 1;
  std::FILE* log = stdout;  // where the accuracy block is printed
};

// Prints the accuracy block; a zoo model without a trained surrogate (or variant) says so and succeeds.
// *summary gets the figure the tables report: the first stage after the whole pipeline (the trained
// variant where there is one), against identity; identity itself with drop 0.
Status print_surrogate_accuracy(const std::string& zoo_name, const AccuracyOptions& options,
                                const OperatorOptions& op, AccuracySummary* summary);

}  // namespace edgerun
