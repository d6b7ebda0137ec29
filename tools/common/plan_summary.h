// One-line summaries of a compiled plan for the tools' reports.
#pragma once

#include <string>

#include "engine/plan.h"

namespace edgerun {

// Which kernel runs each step, grouped: "qs8_conv2d__avx512vnni(QConv:26) run-function(Flatten:1 ...)".
std::string plan_kernel_summary(const Plan& plan);

}  // namespace edgerun
