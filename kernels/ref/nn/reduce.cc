#include "kernels/ref/nn/reduce.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>

#include "kernels/ref/omp.h"

namespace edgerun::ref {

namespace {
// Row-major offsets of every combination of the selected dims (the others held at 0).
std::vector<int64_t> offsets_of(const std::vector<int64_t>& shape, const std::vector<bool>& reduced, bool select) {
  std::vector<int64_t> offsets = {0};
  int64_t stride = 1;
  std::vector<int64_t> strides(shape.size());
  for (size_t d = shape.size(); d-- > 0;) {
    strides[d] = stride;
    stride *= shape[d];
  }
  for (size_t d = 0; d < shape.size(); ++d) {
    if (reduced[d] != select) continue;
    std::vector<int64_t> next;
    next.reserve(offsets.size() * static_cast<size_t>(shape[d]));
    for (int64_t base : offsets) {
      for (int64_t i = 0; i < shape[d]; ++i) next.push_back(base + i * strides[d]);
    }
    offsets = std::move(next);
  }
  return offsets;
}

// Sums that must stay exact for integers: 64-bit with wrap-around (cast back to T at the end).
template <typename T>
using ExactAcc = std::conditional_t<std::is_floating_point_v<T>, double, uint64_t>;

template <typename T>
bool is_negative(T v) {
  if constexpr (std::is_signed_v<T>) {
    return v < T(0);
  } else {
    return false;
  }
}

template <typename T>
T reduce_one(ReduceKind kind, const T* x, const std::vector<int64_t>& offs) {
  using Acc = ExactAcc<T>;
  switch (kind) {
    case ReduceKind::kMax: {
      T m = std::numeric_limits<T>::has_infinity ? -std::numeric_limits<T>::infinity() : std::numeric_limits<T>::lowest();
      for (int64_t o : offs) m = x[o] > m ? x[o] : m;
      return m;
    }
    case ReduceKind::kMin: {
      T m = std::numeric_limits<T>::has_infinity ? std::numeric_limits<T>::infinity() : std::numeric_limits<T>::max();
      for (int64_t o : offs) m = x[o] < m ? x[o] : m;
      return m;
    }
    case ReduceKind::kSum:
    case ReduceKind::kSumSquare:
    case ReduceKind::kL1:
    case ReduceKind::kProd: {
      Acc acc = kind == ReduceKind::kProd ? Acc(1) : Acc(0);
      for (int64_t o : offs) {
        const Acc v = static_cast<Acc>(x[o]);
        if (kind == ReduceKind::kSum) acc += v;
        if (kind == ReduceKind::kSumSquare) acc += v * v;
        if (kind == ReduceKind::kProd) acc *= v;
        if (kind == ReduceKind::kL1) acc += is_negative(x[o]) ? Acc(0) - v : v;
      }
      if constexpr (std::is_floating_point_v<T>) {
        return static_cast<T>(acc);
      } else {
        return static_cast<T>(static_cast<std::make_signed_t<Acc>>(acc));
      }
    }
    case ReduceKind::kLogSumExp: {
      double m = -std::numeric_limits<double>::infinity();
      for (int64_t o : offs) m = std::max(m, static_cast<double>(x[o]));
      if (std::isinf(m)) return static_cast<T>(m);
      double sum = 0.0;
      for (int64_t o : offs) sum += std::exp(static_cast<double>(x[o]) - m);
      return static_cast<T>(m + std::log(sum));
    }
    case ReduceKind::kMean:
    case ReduceKind::kL2:
    case ReduceKind::kLogSum: {
      double sum = 0.0;
      for (int64_t o : offs) {
        const double v = static_cast<double>(x[o]);
        sum += kind == ReduceKind::kL2 ? v * v : v;
      }
      if (kind == ReduceKind::kMean) return static_cast<T>(sum / static_cast<double>(offs.size()));
      return static_cast<T>(kind == ReduceKind::kL2 ? std::sqrt(sum) : std::log(sum));
    }
  }
  return T(0);
}
}  // namespace

template <typename T>
void reduce(ReduceKind kind, const std::vector<int64_t>& shape, const std::vector<bool>& reduced, const T* x, T* y) {
  const std::vector<int64_t> kept = offsets_of(shape, reduced, false);
  const std::vector<int64_t> within = offsets_of(shape, reduced, true);
  const int64_t n = static_cast<int64_t>(kept.size());
  EDGERUN_OMP(parallel for if (n > 1))
  for (int64_t i = 0; i < n; ++i) y[i] = reduce_one(kind, x + kept[static_cast<size_t>(i)], within);
}

template <typename T>
void arg_reduce(bool is_max, bool select_last, int64_t outer, int64_t n, int64_t inner, const T* x, int64_t* y) {
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t i = 0; i < inner; ++i) {
      const T* in = x + o * n * inner + i;
      int64_t best = 0;
      for (int64_t k = 1; k < n; ++k) {
        const T v = in[k * inner];
        const T b = in[best * inner];
        const bool better = is_max ? (select_last ? v >= b : v > b) : (select_last ? v <= b : v < b);
        if (better) best = k;
      }
      y[o * inner + i] = best;
    }
  }
}

#define EDGERUN_REDUCE_INSTANTIATE(T)                                                                     \
  template void reduce<T>(ReduceKind, const std::vector<int64_t>&, const std::vector<bool>&, const T*, T*); \
  template void arg_reduce<T>(bool, bool, int64_t, int64_t, int64_t, const T*, int64_t*);
EDGERUN_REDUCE_INSTANTIATE(float)
EDGERUN_REDUCE_INSTANTIATE(double)
EDGERUN_REDUCE_INSTANTIATE(int8_t)
EDGERUN_REDUCE_INSTANTIATE(uint8_t)
EDGERUN_REDUCE_INSTANTIATE(int16_t)
EDGERUN_REDUCE_INSTANTIATE(uint16_t)
EDGERUN_REDUCE_INSTANTIATE(int32_t)
EDGERUN_REDUCE_INSTANTIATE(uint32_t)
EDGERUN_REDUCE_INSTANTIATE(int64_t)
EDGERUN_REDUCE_INSTANTIATE(uint64_t)
#undef EDGERUN_REDUCE_INSTANTIATE

}  // namespace edgerun::ref
