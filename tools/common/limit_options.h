// The caps on an untrusted model (graph/limits.h) as options of the tools that load one:
// --max-model-mb, --max-nodes, --max-rank and --max-tensor-elements; defaults are ModelLimits'.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "graph/limits.h"

namespace edgerun {

void add_model_limit_options(CLI::App& app, ModelLimits& limits);

// The options that give a spawned tool (edgerun-serve) the same limits: those that differ from the
// defaults.
std::vector<std::string> model_limit_args(const ModelLimits& limits);

}  // namespace edgerun
