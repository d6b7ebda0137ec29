// Subcommands of the `edgerun` tool; each registers its options on the app and runs when chosen.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

namespace edgerun::cli {

// Returns the action to run when the subcommand was chosen (its exit code).
std::function<int()> add_run_command(CLI::App& app);
std::function<int()> add_inspect_command(CLI::App& app);
std::function<int()> add_export_command(CLI::App& app);
std::function<int()> add_eval_command(CLI::App& app);
std::function<int()> add_info_command(CLI::App& app);
std::function<int()> add_quantize_command(CLI::App& app);
std::function<int()> add_partition_command(CLI::App& app);
std::function<int()> add_arena_command(CLI::App& app);
std::function<int()> add_convert_command(CLI::App& app);

}  // namespace edgerun::cli
