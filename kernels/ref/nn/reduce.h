// Reference reductions (ReduceSum ... ReduceLogSumExp) over any set of axes, and ArgMax / ArgMin.
#pragma once

#include <cstdint>
#include <vector>

namespace edgerun::ref {

enum class ReduceKind { kSum, kMean, kMax, kMin, kProd, kL1, kL2, kLogSum, kLogSumExp, kSumSquare };

// y holds one value per combination of the kept (not reduced) dims of `shape`, row-major. Floats
// accumulate in double, integers in 64 bits with wrap-around.
template <typename T>
void reduce(ReduceKind kind, const std::vector<int64_t>& shape, const std::vector<bool>& reduced, const T* x, T* y);

// x viewed as [outer, n, inner] with n >= 1; y[o][i] = index k of the max (or min) of x[o][k][i]: the first one,
// or the last one with select_last.
template <typename T>
void arg_reduce(bool is_max, bool select_last, int64_t outer, int64_t n, int64_t inner, const T* x, int64_t* y);

}  // namespace edgerun::ref
