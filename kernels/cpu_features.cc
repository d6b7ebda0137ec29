#include "kernels/cpu_features.h"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#define EDGERUN_X86 1
#endif

namespace edgerun::kernels {

namespace {

#if defined(EDGERUN_X86)
struct Regs {
  uint32_t a = 0, b = 0, c = 0, d = 0;
};

Regs cpuid(uint32_t leaf, uint32_t subleaf = 0) {
  Regs r;
  __cpuid_count(leaf, subleaf, r.a, r.b, r.c, r.d);
  return r;
}

uint64_t xgetbv0() {
  uint32_t lo = 0, hi = 0;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  return (static_cast<uint64_t>(hi) << 32) | lo;
}

bool bit(uint32_t reg, int b) { return ((reg >> b) & 1u) != 0; }

CpuFeatures detect() {
  CpuFeatures f;
  const uint32_t max_leaf = __get_cpuid_max(0, nullptr);
  const Regs v = cpuid(0);
  char vendor[13] = {};
  std::memcpy(vendor + 0, &v.b, 4);
  std::memcpy(vendor + 4, &v.d, 4);
  std::memcpy(vendor + 8, &v.c, 4);
  f.vendor = vendor;
  if (__get_cpuid_max(0x80000000, nullptr) >= 0x80000004) {
    char brand[49] = {};
    for (uint32_t i = 0; i < 3; ++i) {
      const Regs r = cpuid(0x80000002 + i);
      std::memcpy(brand + 16 * i + 0, &r.a, 4);
      std::memcpy(brand + 16 * i + 4, &r.b, 4);
      std::memcpy(brand + 16 * i + 8, &r.c, 4);
      std::memcpy(brand + 16 * i + 12, &r.d, 4);
    }
    f.brand = brand;
    f.brand.erase(0, f.brand.find_first_not_of(' '));
    f.brand.erase(f.brand.find_last_not_of(' ') + 1);
  }
  if (max_leaf < 1) return f;
  const Regs l1 = cpuid(1);
  f.sse42 = bit(l1.c, 20);
  f.fma = bit(l1.c, 12);
  f.f16c = bit(l1.c, 29);
  const bool osxsave = bit(l1.c, 27);
  f.avx = bit(l1.c, 28);
  if (osxsave) {
    const uint64_t xcr0 = xgetbv0();
    f.os_saves_ymm = (xcr0 & 0x6) == 0x6;    // SSE + AVX state
    f.os_saves_zmm = (xcr0 & 0xe6) == 0xe6;  // + opmask, ZMM_Hi256, Hi16_ZMM
  }
  if (max_leaf >= 7) {
    const Regs l7 = cpuid(7, 0);
    f.avx2 = bit(l7.b, 5);
    f.avx512f = bit(l7.b, 16);
    f.avx512dq = bit(l7.b, 17);
    f.avx512bw = bit(l7.b, 30);
    f.avx512vl = bit(l7.b, 31);
    f.avx512vnni = bit(l7.c, 11);
  }
  if (f.avx && f.avx2 && f.fma && f.os_saves_ymm) f.best = Isa::kAvx2;
  if (f.best == Isa::kAvx2 && f.avx512f && f.avx512bw && f.avx512dq && f.avx512vl && f.os_saves_zmm) {
    f.best = Isa::kAvx512;
  }
  if (f.best == Isa::kAvx512 && f.avx512vnni) f.best = Isa::kAvx512Vnni;
  return f;
}
#else
CpuFeatures detect() { return CpuFeatures{}; }
#endif

Isa lower(Isa a, Isa b) { return static_cast<Isa>(std::min(static_cast<int>(a), static_cast<int>(b))); }

// The cap as set by set_isa_cap, or -1 until then (EDGERUN_ISA decides).
std::atomic<int> g_cap{-1};

}  // namespace

const char* isa_name(Isa isa) {
  switch (isa) {
    case Isa::kRef: return "ref";
    case Isa::kAvx2: return "avx2";
    case Isa::kAvx512: return "avx512";
    case Isa::kAvx512Vnni: return "avx512vnni";
  }
  return "?";
}

Result<Isa> parse_isa(const std::string& name) {
  for (Isa isa : {Isa::kRef, Isa::kAvx2, Isa::kAvx512, Isa::kAvx512Vnni}) {
    if (name == isa_name(isa)) return isa;
  }
  return invalid_argument("unknown ISA '" + name + "' (expected ref, avx2, avx512 or avx512vnni)");
}

const CpuFeatures& cpu_features() {
  static const CpuFeatures features = detect();
  return features;
}

Result<Isa> isa_cap_from_environment() {
  const char* env = std::getenv("EDGERUN_ISA");
  if (env == nullptr || *env == '\0') return cpu_features().best;
  Result<Isa> isa = parse_isa(env);
  if (!isa.ok()) return isa.status().with_context("EDGERUN_ISA");
  return isa;
}

Isa active_isa() {
  const int cap = g_cap.load(std::memory_order_relaxed);
  if (cap >= 0) return static_cast<Isa>(cap);
  // An invalid EDGERUN_ISA caps at ref: safe, and tools report the bad value at start-up.
  static const Isa from_env = [] {
    Result<Isa> isa = isa_cap_from_environment();
    return isa.ok() ? lower(*isa, cpu_features().best) : Isa::kRef;
  }();
  return from_env;
}

void set_isa_cap(Isa cap) { g_cap.store(static_cast<int>(lower(cap, cpu_features().best)), std::memory_order_relaxed); }

}  // namespace edgerun::kernels
