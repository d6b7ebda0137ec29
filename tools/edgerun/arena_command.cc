// edgerun arena MODEL.edgr: the exact arena the C API needs to run the model (edgerun.h's
// edgerun_model_arena_size: activations, SIMD over-read padding, kernel scratch), what it is made of,
// and the op resolver lines that register exactly the model's ops.
#include <cstdio>
#include <set>

#include "engine/c_api_plan.h"
#include "tools/edgerun/commands.h"

namespace edgerun::cli {

namespace {

int fail(const Status& st) {
  std::fprintf(stderr, "edgerun arena: %s\n", st.to_string().c_str());
  return 1;
}

int print_arena(const std::string& path) {
  auto session = Session::load_file(path);
  if (!session.ok()) return fail(session.status());
  if (!(*session)->is_compiled_model()) return fail(invalid_argument("'" + path + "' is not a .edgr model: run edgerun convert first"));
  // The compile edgerun_model_load does, with every op registered.
  auto plan = compile_for_c_api((*session)->graph(), builtin_op_resolver());
  if (!plan.ok()) return fail(plan.status());
  const Plan& p = **plan;
  const size_t scratch = (p.scratch_bytes() + 63) / 64 * 64;
  std::printf("model       %s (%zu steps)\n", path.c_str(), p.num_steps());
  std::printf("arena       %zu bytes (edgerun_model_arena_size)\n", p.external_arena_bytes());
  std::printf("  activations      %zu bytes (liveness plan; the busiest step alone keeps %zu alive)\n",
              p.arena_bytes(), p.arena_lower_bound_bytes());
  std::printf("  over-read pad    %zu bytes\n", p.external_arena_bytes() - p.arena_bytes() - scratch);
  std::printf("  kernel scratch   %zu bytes (%zu used)\n", scratch, p.scratch_bytes());
  std::set<std::string> ops;
  for (size_t s = 0; s < p.num_steps(); ++s) ops.insert(op_name(p.step_node(s).op));
  std::printf("resolver    edgerun_op_resolver ops = {0};\n");
  for (const std::string& op : ops) std::printf("            edgerun_op_resolver_add_%s(&ops);\n", op.c_str());
  return 0;
}

}  // namespace

std::function<int()> add_arena_command(CLI::App& app) {
  auto path = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("arena", "print the exact arena a .edgr model needs and its op resolver");
  cmd->add_option("model", *path, "the .edgr model (edgerun convert)")->required();
  return [path] { return print_arena(*path); };
}

}  // namespace edgerun::cli
