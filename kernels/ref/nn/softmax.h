// Reference Softmax, LogSoftmax and Hardmax along one axis of a tensor viewed as [outer, n, inner].
#pragma once

#include <cstdint>

namespace edgerun::ref {

enum class SoftmaxKind { kSoftmax, kLogSoftmax, kHardmax };

template <typename T>
void softmax(SoftmaxKind kind, int64_t outer, int64_t n, int64_t inner, const T* x, T* y);

}  // namespace edgerun::ref
