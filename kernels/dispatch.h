// Choosing a kernel from a family's table. Every family keeps one table of implementations ordered
// best first (XNNPACK configs, ONNX Runtime's MLAS); an entry says which ISA and backend it needs and
// which shapes it supports. The chooser takes the first entry of the requested backend that the CPU
// (capped by EDGERUN_ISA) can run and that supports the shape; ops a backend lacks fall back to the
// native entries, whose last one is always the portable reference.
#pragma once

#include <vector>

#include "kernels/backend.h"
#include "kernels/cpu_features.h"

namespace edgerun::kernels {

// Impl has fields `Isa isa`, `Backend backend` and `bool (*supports)(const Shape&)` (null: all shapes).
template <typename Impl, typename Shape>
const Impl* choose_impl(const std::vector<Impl>& table, const Shape& shape, Backend backend) {
  for (Backend b : {backend, Backend::kNative}) {
    for (const Impl& impl : table) {
      if (impl.backend != b || !isa_usable(impl.isa)) continue;
      if (impl.supports == nullptr || impl.supports(shape)) return &impl;
    }
  }
  return nullptr;
}

}  // namespace edgerun::kernels
