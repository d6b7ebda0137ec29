// CPU features, detected once, and the instruction-set cap that kernel dispatch obeys.
// ISA levels nest: each implies every level below it, so "the best ISA allowed" is one number.
#pragma once

#include <string>

#include "graph/status.h"

namespace edgerun::kernels {

enum class Isa : int {
  kRef = 0,         // portable C++ only
  kAvx2 = 1,        // AVX2 + FMA
  kAvx512 = 2,      // AVX-512 F, BW, DQ, VL
  kAvx512Vnni = 3,  // + AVX-512 VNNI (vpdpbusd)
};

const char* isa_name(Isa isa);
// "ref", "avx2", "avx512", "avx512vnni".
Result<Isa> parse_isa(const std::string& name);

struct CpuFeatures {
  std::string vendor;
  std::string brand;
  bool sse42 = false, avx = false, avx2 = false, fma = false, f16c = false;
  bool avx512f = false, avx512bw = false, avx512dq = false, avx512vl = false, avx512vnni = false;
  bool os_saves_ymm = false, os_saves_zmm = false;  // XGETBV: the OS preserves the wider registers
  Isa best = Isa::kRef;                             // highest level every feature of which is present
};

// Detected on first call (cpuid + xgetbv), then cached.
const CpuFeatures& cpu_features();

// The level kernels may use: the CPU's best, lowered by the environment variable EDGERUN_ISA
// (ref|avx2|avx512|avx512vnni) when set, and by set_isa_cap. A cap above the CPU's best is clamped.
Isa active_isa();
// Lowers (or restores, up to the CPU's best) the cap for the rest of the process; tools use it for
// --isa and tests to force each variant. Plans compiled before the call keep their kernels.
void set_isa_cap(Isa cap);
// The cap from EDGERUN_ISA, or an error naming the bad value (tools report it at start-up).
Result<Isa> isa_cap_from_environment();

inline bool isa_usable(Isa needed) { return static_cast<int>(needed) <= static_cast<int>(active_isa()); }

}  // namespace edgerun::kernels
