// edgerun inspect MODEL: ops, inputs and outputs with shapes, parameter count and MACs.
#include <cstdio>
#include <map>

#include "engine/plan.h"
#include "graph/model_stats.h"
#include "graph/onnx/onnx_importer.h"
#include "graph/passes/infer_shapes.h"
#include "models/zoo/layer_signature.h"
#include "tools/common/model_inputs.h"
#include "tools/common/plan_summary.h"
#include "tools/edgerun/commands.h"

namespace edgerun::cli {

namespace {

struct InspectArgs {
  std::string model;
  std::vector<std::string> dims;
  std::string signature;  // file to write the layer signature to
};

int fail(const Status& st) {
  std::fprintf(stderr, "edgerun inspect: %s\n", st.to_string().c_str());
  return 1;
}

// 25557032 -> "25.56 M".
std::string human(int64_t n) {
  char buf[32];
  const double x = static_cast<double>(n);
  if (x >= 1e9) {
    std::snprintf(buf, sizeof buf, "%.2f G", x / 1e9);
  } else if (x >= 1e6) {
    std::snprintf(buf, sizeof buf, "%.2f M", x / 1e6);
  } else {
    std::snprintf(buf, sizeof buf, "%.2f K", x / 1e3);
  }
  return buf;
}

void print_value(const char* kind, const Value& v) {
  std::printf("%-8s %-24s %-5s %s\n", kind, v.name.c_str(), dtype_name(v.dtype),
              v.has_shape ? sym_shape_to_string(v.shape).c_str() : "(unknown shape)");
}

int inspect(const InspectArgs& args) {
  auto graph = onnx::import_model_file(args.model);
  if (!graph.ok()) return fail(graph.status());
  const Graph& g = graph.value();
  SessionOptions options;
  auto bindings = parse_dim_bindings(args.dims);
  if (!bindings.ok()) return fail(bindings.status());
  options.dim_bindings = bindings.value();
  auto session = Session::from_graph(g, options);
  if (!session.ok()) return fail(session.status());
  auto shapes = session.value()->default_input_shapes();
  if (!shapes.ok()) return fail(shapes.status());
  // MACs come from the compiled graph, where every shape is concrete and shape subgraphs are folded.
  auto plan = Plan::compile(g, shapes.value(), CompileOptions{});
  if (!plan.ok()) return fail(plan.status());

  const ModelStats stats = count_ops_and_parameters(g);
  std::printf("model    %s (graph '%s', opset %lld)\n", args.model.c_str(), g.name.c_str(),
              static_cast<long long>(g.opsets.count("") ? g.opsets.at("") : 0));
  for (ValueId id : g.inputs) print_value("input", g.value(id));
  for (ValueId id : g.outputs) print_value("output", g.value(id));
  // The same outputs with every symbolic dim bound (by --dim, else 1).
  for (ValueId id : plan.value()->graph().outputs) print_value("bound", plan.value()->graph().value(id));
  const CompileStats& passes = plan.value()->stats();
  std::printf("nodes    %zu (%zu after passes: %d BatchNorm folded, %d activations and %d Adds fused, %d dead or "
              "pass-through nodes removed, the rest constant-folded)\n",
              g.nodes.size(), plan.value()->num_steps(), passes.folded_batch_norms, passes.fused_activations,
              passes.fused_adds, passes.removed_nodes);
  std::printf("ops     ");
  for (const auto& [op, n] : stats.op_counts) std::printf(" %s:%d", op.c_str(), n);
  std::printf("\nparams   %lld (%s)\n", static_cast<long long>(stats.parameters), human(stats.parameters).c_str());
  const int64_t macs = count_macs(plan.value()->graph());
  std::printf("MACs     %lld (%s) for the bound input shapes\n", static_cast<long long>(macs), human(macs).c_str());
  const size_t bound = plan.value()->arena_lower_bound_bytes();
  std::printf("arena    %zu bytes planned (lower bound %zu: the tensors live at the busiest step; +%.1f%%)\n",
              plan.value()->arena_bytes(), bound,
              bound == 0 ? 0.0 : 100.0 * (static_cast<double>(plan.value()->arena_bytes()) / bound - 1.0));
  // Which kernel runs each step: family kernels by name, the rest on their reference run functions.
  std::printf("kernels  %s\n", plan_kernel_summary(*plan.value()).c_str());
  if (!args.signature.empty()) {
    auto sig = zoo::layer_signature(g, shapes.value());
    if (!sig.ok()) return fail(sig.status());
    std::FILE* f = std::fopen(args.signature.c_str(), "w");
    if (f == nullptr) return fail(invalid_argument("cannot write " + args.signature));
    const std::string text = zoo::signature_text(sig.value());
    const bool written = std::fwrite(text.data(), 1, text.size(), f) == text.size();
    if (std::fclose(f) != 0 || !written) return fail(invalid_argument("cannot write " + args.signature));
  }
  return 0;
}

}  // namespace

std::function<int()> add_inspect_command(CLI::App& app) {
  auto args = std::make_shared<InspectArgs>();
  CLI::App* cmd = app.add_subcommand("inspect", "print ops, shapes, parameters and MACs of a model");
  cmd->add_option("model", args->model, "ONNX model file")->required();
  cmd->add_option("--dim", args->dims, "bind a symbolic input dim, NAME=SIZE (default 1)");
  cmd->add_option("--signature", args->signature,
                  "write the layer signature (models/zoo/layer_signature.h) to this file");
  return [args] { return inspect(*args); };
}

}  // namespace edgerun::cli
