// A vpdpbusd-bound loop that measures this machine's u8 x s8 INT8 peak (the 100% the INT8 kernels are
// held to): `iterations` rounds of independent accumulator chains; returns the ops performed (2 per
// multiply-add). Defined in vnni_loop__avx512vnni.cc: call only when isa_usable(kAvx512Vnni).
#pragma once

#include <cstdint>

namespace edgerun::bench {

double vnni_loop_u8s8__avx512vnni(int64_t iterations, int32_t* sink);

}  // namespace edgerun::bench
