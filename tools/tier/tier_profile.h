// Tier profiles (mobile, edge, cloud): the compute and link a placement's tier gets, as data.
// The defaults are tools/tier/tiers.json, compiled into this library; `--tiers FILE` replaces them with a
// file of the same format (a whole set, not a patch: every tier names every field).
//
// Format: {"description": "...", "tiers": [ {tier}, ... ]} where a tier is
//   {"name": "mobile",            lowercase [a-z0-9_-], at most 32 chars (it names cgroups and processes)
//    "description": "...",        optional
//    "threads": 1,                integer >= 1: the engine's thread count on this tier
//    "cpu_share": 0.5,            CPUs the tier may use, (0, 64]
//    "isa": "native",             kernel dispatch cap: native | ref | avx2 | avx512 | avx512vnni
//    "memory": "4GiB",            budget: bytes (integer) or a string "<integer><unit>", unit B KiB MiB GiB TiB
//    "link": {"bandwidth_mbit": 200, "rtt_ms": 4, "jitter_ms": 0.5, "description": "..." (optional)}}
// Unknown keys are errors (a misspelt field must not silently fall back to a default).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "graph/status.h"

namespace edgerun {

constexpr double kMaxTierCpuShare = 64;

struct LinkProfile {
  double bandwidth_mbit = 0;  // > 0 in a tier profile; 0 elsewhere means unlimited (an unshaped link)
  double rtt_ms = 0;          // >= 0, added in user space (no netem here)
  double jitter_ms = 0;       // >= 0
  std::string description;
  bool shaped() const { return bandwidth_mbit > 0 || rtt_ms > 0 || jitter_ms > 0; }
};

struct TierProfile {
  std::string name, description;
  int threads = 1;
  double cpu_share = 1;
  std::string isa = "native";
  int64_t memory_bytes = 0;
  LinkProfile link;
};

struct TierSet {
  std::vector<TierProfile> tiers;
  std::string source;  // "built-in tiers.json" or the file's path

  // The tier called `name`; NotFound lists the known names.
  Result<const TierProfile*> find(const std::string& name) const;
};

// True for names usable as a tier name: [a-z0-9][a-z0-9_-]{0,31}.
bool valid_tier_name(const std::string& name);

// Parses and validates a tier set; errors name the source, the tier and the field.
Result<TierSet> parse_tiers(const std::string& json_text, const std::string& source_name);

// The built-in tiers for path "", else the file at `path`.
Result<TierSet> load_tiers(const std::string& path);

// "4GiB", "512MiB", "1024" (bytes) -> bytes. Integer counts only; the result must fit int64 and be > 0.
Result<int64_t> parse_memory_size(const std::string& text);

}  // namespace edgerun
