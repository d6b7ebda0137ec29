// Choosing a kernel from a family's table. Every family keeps one table of implementations ordered
// best first (XNNPACK configs, ONNX Runtime's MLAS); an entry says which ISA and backend it needs and
// which shapes it supports. The chooser takes the first entry of the requested backend that the CPU
// (capped by EDGERUN_ISA) can run and that supports the shape; ops a backend lacks fall back to the
// native entries, whose last one is always the portable reference.
#pragma once

#include <utility>
#include <vector>

#include "kernels/backend.h"
#include "kernels/cpu_features.h"

namespace edgerun::kernels {

// Visits, in choice order, the entries of `table` that may serve `shape` for `backend`: first that
// backend's entries, then (for another backend) the native ones; each only if the CPU, capped by
// EDGERUN_ISA, can run it and its supports(shape) holds. Stops when visit returns true.
// Impl has fields `Isa isa`, `Backend backend` and `bool (*supports)(const Shape&)` (null: all shapes).
template <typename Impl, typename Shape, typename Visit>
void for_each_eligible(const std::vector<Impl>& table, const Shape& shape, Backend backend, Visit&& visit) {
  const Backend order[] = {backend, Backend::kNative};
  for (size_t i = 0; i < (backend == Backend::kNative ? 1u : 2u); ++i) {
    for (const Impl& impl : table) {
      if (impl.backend != order[i] || !isa_usable(impl.isa)) continue;
      if (impl.supports != nullptr && !impl.supports(shape)) continue;
      if (visit(impl)) return;
    }
  }
}

// The first eligible entry, or null.
template <typename Impl, typename Shape>
const Impl* choose_impl(const std::vector<Impl>& table, const Shape& shape, Backend backend) {
  const Impl* chosen = nullptr;
  for_each_eligible(table, shape, backend, [&](const Impl& impl) {
    chosen = &impl;
    return true;
  });
  return chosen;
}

template <typename R>
struct ResultValue;
template <typename T>
struct ResultValue<Result<T>> {
  using type = T;
};

// Creates the kernel of the first eligible entry, in choose_impl's order; an entry whose create()
// refuses the case (a backend library rejecting it) passes the turn to the next. The reference entry
// at the end of every table accepts everything, so an error here means even it failed.
template <typename Impl, typename Shape, typename... Args>
auto create_kernel(const std::vector<Impl>& table, const Shape& shape, Backend backend, const Args&... args)
    -> Result<std::pair<const Impl*, typename ResultValue<decltype(table[0].create(shape, args...))>::type>> {
  using Kernel = typename ResultValue<decltype(table[0].create(shape, args...))>::type;
  Result<std::pair<const Impl*, Kernel>> result = internal_error("no kernel supports this shape");
  for_each_eligible(table, shape, backend, [&](const Impl& impl) {
    auto kernel = impl.create(shape, args...);
    if (!kernel.ok()) {
      result = kernel.status().with_context(impl.name);
      return false;
    }
    result = std::make_pair(&impl, std::move(kernel).value());
    return true;
  });
  return result;
}

}  // namespace edgerun::kernels
