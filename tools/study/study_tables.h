// The studies' tables (../shared/STUDIES.md) from a grid's results: rows are models, cells the median
// latency of each configuration, in milliseconds (the studies printed seconds; the header row says ms),
// for warm or cold latency, with the trained surrogate's accuracy in percent. Render them with
// table_format.h. A configuration not in the results prints "-".
//   black-box: model | Mobile I / Q / EE / QEE | Edge ... | Cloud ... | Mobile-Edge P / QEEP |
//              accuracy I / Q / EE / QEE ("top-1: 82.52 / 82.15 / 76.59 / 75.39")
//   white-box: model | Identity | SPTQ | QAT | Pruned | Distilled | DSPTQ (each "Mobile / Edge / Cloud") |
//              SPTQ-P (Mobile-Edge); then one accuracy row per model ("accuracy ResNet top-1")
// Only the cells of the table's study are used, the last cell of a repeated key (study_layout.h); a
// model is a row when it has any cell. Accuracy does not depend on placement: an operator's accuracy is
// that of its first cell with one, and a model's metric that of its first cell with one.
#pragma once

#include <vector>

#include "tools/study/study_layout.h"
#include "tools/study/study_results.h"
#include "tools/study/table_format.h"

namespace edgerun::study {

Table blackbox_table(const std::vector<CellResult>& cells, Latency latency);
Table whitebox_table(const std::vector<CellResult>& cells, Latency latency);

}  // namespace edgerun::study
