// tools/tier/tiers.json as compiled into the library (generated from builtin_tiers.cc.in by CMake).
#pragma once

namespace edgerun {

const char* builtin_tiers_json();

}  // namespace edgerun
