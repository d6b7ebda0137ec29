// One request through a placement, taken apart: end-to-end time, each tier's compute, each link's
// transfer time and bytes (request and response together), and all (de)serialisation, from the
// timing chain the client and the tier servers report (serve::HopTiming).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tools/serve/tier_client.h"
#include "tools/tier/tier_profile.h"

namespace edgerun {

struct RequestRecord {
  double total_ms = 0;
  std::vector<double> compute_ms;   // per tier, request order
  std::vector<double> rebuild_ms;   // per tier: a cold request's session rebuild (part of compute_ms)
  std::vector<double> transfer_ms;  // per link: link i carries hop i (client -> tier 0, tier 0 -> tier 1)
  std::vector<int64_t> link_bytes;  // per link, request + response bodies
  double serialize_ms = 0;          // encode + decode on both ends of every hop
};

RequestRecord record_of(const serve::HopTiming& timing);

// What a link of this profile should take for `bytes` in total over one round trip: bytes / bandwidth + RTT.
double expected_transfer_ms(const LinkProfile& link, int64_t bytes);

}  // namespace edgerun
