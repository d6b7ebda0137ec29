// The partition deployment operator's analysis (no I/O, no dependency): where a compiled plan can be
// cut (cut_points.h), the studies' fixed cuts (paper_cuts.h) and Neurosurgeon's cost model that picks
// a cut from per-step profiles of both tiers and the link model (cost_model.h). The tools profile the
// tiers (Session::run_steps with step_ms), convert their tier profiles into LinkModel and run the
// chosen cut across the tier servers.
#pragma once

#include "operators/partition/cost_model.h"
#include "operators/partition/cut_points.h"
#include "operators/partition/paper_cuts.h"
