#include <doctest/doctest.h>

#include "kernels/ref/broadcast.h"

namespace edgerun::ref {
namespace {

TEST_CASE("broadcast walk visits offsets of both operands") {
  const std::vector<int64_t> out{2, 3};
  const std::vector<int64_t> strides[2] = {broadcast_strides({2, 1}, out), broadcast_strides({3}, out)};
  std::vector<int64_t> a, b;
  for_each_broadcast(out, strides, [&](int64_t, const int64_t* off) {
    a.push_back(off[0]);
    b.push_back(off[1]);
  });
  CHECK(a == std::vector<int64_t>{0, 0, 0, 1, 1, 1});
  CHECK(b == std::vector<int64_t>{0, 1, 2, 0, 1, 2});
}

}  // namespace
}  // namespace edgerun::ref
