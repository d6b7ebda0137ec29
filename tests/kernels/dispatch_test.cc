// Dispatch: ISA names and caps, backend names, and choose_impl's order and fallbacks.
#include "kernels/dispatch.h"

#include <doctest/doctest.h>

#include "kernels/conv/conv2d.h"

namespace edgerun::kernels {
namespace {

// Restores the process's ISA cap when a test that lowers it ends.
struct IsaCapGuard {
  Isa saved = active_isa();
  ~IsaCapGuard() { set_isa_cap(saved); }
};

struct FakeImpl {
  const char* name;
  Isa isa;
  Backend backend;
  bool (*supports)(const int& groups);
};

bool ungrouped(const int& groups) { return groups == 1; }

const std::vector<FakeImpl> kTable = {
    {"lib_ungrouped", Isa::kRef, Backend::kOneDnn, ungrouped},
    {"native_avx512", Isa::kAvx512, Backend::kNative, nullptr},
    {"native_avx2", Isa::kAvx2, Backend::kNative, ungrouped},
    {"native_ref", Isa::kRef, Backend::kNative, nullptr},
};

std::string pick(int groups, Backend backend) {
  const FakeImpl* impl = choose_impl(kTable, groups, backend);
  return impl == nullptr ? "none" : impl->name;
}

TEST_CASE("ISA names parse back, and an unknown name is an error that lists the valid ones") {
  for (Isa isa : {Isa::kRef, Isa::kAvx2, Isa::kAvx512, Isa::kAvx512Vnni})
    CHECK(parse_isa(isa_name(isa)).value() == isa);
  const Result<Isa> bad = parse_isa("sse9");
  REQUIRE(!bad.ok());
  CHECK(bad.status().message().find("ref, avx2, avx512 or avx512vnni") != std::string::npos);
}

TEST_CASE("the CPU's best ISA is consistent with its feature bits") {
  const CpuFeatures& f = cpu_features();
  if (f.best >= Isa::kAvx2) CHECK((f.avx2 && f.fma && f.os_saves_ymm));
  if (f.best >= Isa::kAvx512) CHECK((f.avx512f && f.avx512bw && f.avx512dq && f.avx512vl && f.os_saves_zmm));
  if (f.best == Isa::kAvx512Vnni) CHECK(f.avx512vnni);
  MESSAGE("this CPU: " << f.brand << ", best ISA " << isa_name(f.best));
}

TEST_CASE("the ISA cap lowers the choice and never rises above the CPU") {
  IsaCapGuard guard;
  set_isa_cap(Isa::kAvx512Vnni);
  CHECK(active_isa() == cpu_features().best);
  set_isa_cap(Isa::kRef);
  CHECK(active_isa() == Isa::kRef);
  CHECK(pick(1, Backend::kNative) == "native_ref");
  const Conv2dF32Impl* conv = choose_impl(conv2d_f32_impls(), Conv2dShape{}, Backend::kNative);
  REQUIRE(conv != nullptr);
  CHECK(conv->isa == Isa::kRef);
  if (cpu_features().best >= Isa::kAvx2) {
    set_isa_cap(Isa::kAvx2);
    CHECK(pick(1, Backend::kNative) == "native_avx2");
    CHECK(pick(4, Backend::kNative) == "native_ref");  // the avx2 entry does not support groups
  }
  if (cpu_features().best >= Isa::kAvx512) {
    set_isa_cap(Isa::kAvx512);
    CHECK(pick(4, Backend::kNative) == "native_avx512");
  }
}

TEST_CASE("a backend's entry is chosen where it supports the shape, native otherwise") {
  CHECK(pick(1, Backend::kOneDnn) == "lib_ungrouped");
  CHECK(pick(4, Backend::kOneDnn) != "lib_ungrouped");
  CHECK(pick(1, Backend::kXnnpack) != "lib_ungrouped");  // no xnnpack entry: native
}

TEST_CASE("backend names: built ones parse, others say why") {
  CHECK(parse_backend("native").value() == Backend::kNative);
  CHECK(parse_backend("onednn").ok() == backend_built(Backend::kOneDnn));
  CHECK(parse_backend("xnnpack").ok() == backend_built(Backend::kXnnpack));
  const Result<Backend> bad = parse_backend("tensorrt");
  REQUIRE(!bad.ok());
  CHECK(bad.status().message().find("expected native, onednn or xnnpack") != std::string::npos);
}

}  // namespace
}  // namespace edgerun::kernels
