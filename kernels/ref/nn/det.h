// Reference determinant of a stack of square matrices (LU decomposition with partial pivoting, in double).
#pragma once

#include <cstdint>

namespace edgerun::ref {

// x is [batch, n, n]; y[b] = det(x[b]). n = 0 gives 1.
template <typename T>
void det(int64_t batch, int64_t n, const T* x, T* y);

}  // namespace edgerun::ref
