// Fuzz target for the tier-profile JSON (tools/tier/tier_profile.h, `--tiers FILE`): arbitrary text
// must give a tier set or an error, never a crash or an exception. Seed: tools/tier/tiers.json.
#include <cstdint>
#include <string>

#include "tools/tier/tier_profile.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  (void)edgerun::parse_tiers(text, "fuzz input");
  (void)edgerun::parse_memory_size(text);
  return 0;
}
