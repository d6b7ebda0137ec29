// Input tensors for tools: shapes from the model's declarations (symbolic dims bound by the user,
// else 1) and deterministic pseudo-random contents suited to each input's type.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "engine/session.h"

namespace edgerun {

// Parses "NAME=SIZE" bindings of symbolic dims ("batch=8").
Result<std::map<std::string, int64_t>> parse_dim_bindings(const std::vector<std::string>& specs);

// One input per graph input: floats uniform in [-1, 1), integers 0 or 1 (valid token ids, token
// types, attention masks and indices for any table of two or more rows), bools alternating. Fixed seed: every call gives the same tensors.
Result<std::vector<NamedTensor>> make_random_inputs(const Session& session, uint32_t seed = 1);

}  // namespace edgerun
