// FMA-bound loops that measure this machine's FP32 peak: each runs `iterations` rounds of independent
// FMA chains (enough of them to cover the FMA latency times the FMA units) and returns the flops
// performed. The chains' sum goes to *sink so the work cannot be optimised away.
// Defined in fma_loop__<isa>.cc, compiled with that ISA's flags: call only when isa_usable(isa).
#pragma once

#include <cstdint>

namespace edgerun::bench {

double fma_loop_f32__avx2(int64_t iterations, float* sink);    // 12 ymm chains
double fma_loop_f32__avx512(int64_t iterations, float* sink);  // 24 zmm chains

}  // namespace edgerun::bench
