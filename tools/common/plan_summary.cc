#include "tools/common/plan_summary.h"

#include <map>

namespace edgerun {

std::string plan_kernel_summary(const Plan& plan) {
  std::map<std::string, std::map<std::string, int>> kernels;  // kernel -> op -> steps
  for (size_t i = 0; i < plan.num_steps(); ++i) ++kernels[plan.step_kernel(i)][plan.step_op(i)];
  std::string out;
  for (const auto& [kernel, ops] : kernels) {
    out += (out.empty() ? "" : " ") + kernel + "(";
    const char* sep = "";
    for (const auto& [op, n] : ops) {
      out += sep + op + ":" + std::to_string(n);
      sep = " ";
    }
    out += ")";
  }
  return out;
}

}  // namespace edgerun
