// The binary table, best first (see kernels/dispatch.h), and the broadcast loop around the
// microkernels: output dims of size 1 are dropped and adjacent dims that broadcast alike are merged
// (as kernels/ref/elementwise/broadcast_rows.h does), leaving rows over which each operand is either
// contiguous or one repeated element; the rows are threaded, or one long row is split.
#include "kernels/eltwise/binary.h"

#include <algorithm>

#include "kernels/eltwise/eltwise_ref.h"
#include "kernels/eltwise/parallel.h"
#include "kernels/x86/eltwise/eltwise_ukernels.h"

namespace edgerun::kernels {

namespace {

using BinaryUkernel = void (*)(BinaryOp op, int64_t n, const float* a, int64_t a_stride, const float* b,
                               int64_t b_stride, float* y);

constexpr int kMaxRank = 8;        // merged dims; deeper broadcasts go to the reference
constexpr int64_t kMinRow = 8;     // shorter rows cost more in loop overhead than the vectors save
constexpr int64_t kGrain = 32768;  // elements per thread: Add streams 12 bytes per element

struct Rows {
  int rank = 0;
  int64_t dims[kMaxRank] = {};
  int64_t a_stride[kMaxRank] = {};  // element strides, 0 where the operand is broadcast
  int64_t b_stride[kMaxRank] = {};
};

// False when more than kMaxRank dims remain.
bool merge_dims(const BinaryShape& shape, Rows* rows) {
  const std::vector<int64_t>& y = *shape.y;
  bool a_bcast[kMaxRank] = {}, b_bcast[kMaxRank] = {};
  int rank = 0;
  for (size_t d = 0; d < y.size(); ++d) {
    if (y[d] == 1) continue;
    const size_t a_pad = y.size() - shape.a->size(), b_pad = y.size() - shape.b->size();
    const bool ab = d < a_pad || (*shape.a)[d - a_pad] == 1;
    const bool bb = d < b_pad || (*shape.b)[d - b_pad] == 1;
    if (rank > 0 && a_bcast[rank - 1] == ab && b_bcast[rank - 1] == bb) {
      rows->dims[rank - 1] *= y[d];
      continue;
    }
    if (rank == kMaxRank) return false;
    rows->dims[rank] = y[d];
    a_bcast[rank] = ab;
    b_bcast[rank] = bb;
    ++rank;
  }
  if (rank == 0) rows->dims[rank++] = 1;
  rows->rank = rank;
  int64_t a_size = 1, b_size = 1;
  for (int k = rank - 1; k >= 0; --k) {
    rows->a_stride[k] = a_bcast[k] ? 0 : a_size;
    rows->b_stride[k] = b_bcast[k] ? 0 : b_size;
    if (!a_bcast[k]) a_size *= rows->dims[k];
    if (!b_bcast[k]) b_size *= rows->dims[k];
  }
  return true;
}

bool supports_rows(const BinaryShape& shape) {
  Rows rows;
  return merge_dims(shape, &rows) && (rows.rank == 1 || rows.dims[rows.rank - 1] >= kMinRow);
}

template <BinaryUkernel kUkernel>
void run_binary(const BinaryShape& shape, const float* a, const float* b, float* y) {
  Rows m;
  if (!merge_dims(shape, &m)) return binary_f32_ref(shape, a, b, y);
  const int outer = m.rank - 1;
  const int64_t n = m.dims[outer], sa = m.a_stride[outer], sb = m.b_stride[outer];
  int64_t rows = 1;
  for (int k = 0; k < outer; ++k) rows *= m.dims[k];
  if (rows == 0 || n == 0) return;
  if (rows == 1) {
    parallel_ranges(n, kGrain, 64, [&](int64_t begin, int64_t end) {
      kUkernel(shape.op, end - begin, a + begin * sa, sa, b + begin * sb, sb, y + begin);
    });
    return;
  }
  parallel_ranges(rows, std::max<int64_t>(1, kGrain / n), 1, [&](int64_t begin, int64_t end) {
    int64_t index[kMaxRank] = {};
    int64_t oa = 0, ob = 0;
    int64_t rest = begin;
    for (int k = outer - 1; k >= 0; --k) {
      index[k] = rest % m.dims[k];
      rest /= m.dims[k];
      oa += index[k] * m.a_stride[k];
      ob += index[k] * m.b_stride[k];
    }
    for (int64_t r = begin; r < end; ++r) {
      kUkernel(shape.op, n, a + oa, sa, b + ob, sb, y + r * n);
      for (int k = outer - 1; k >= 0; --k) {  // next row: odometer over the outer dims
        oa += m.a_stride[k];
        ob += m.b_stride[k];
        if (++index[k] < m.dims[k]) break;
        oa -= m.a_stride[k] * m.dims[k];
        ob -= m.b_stride[k] * m.dims[k];
        index[k] = 0;
      }
    }
  });
}

}  // namespace

const std::vector<BinaryF32Impl>& binary_f32_impls() {
  static const std::vector<BinaryF32Impl> table = {
      {"f32_vbinary__avx512", Isa::kAvx512, Backend::kNative, supports_rows, run_binary<f32_vbinary__avx512>},
      {"f32_vbinary__avx2", Isa::kAvx2, Backend::kNative, supports_rows, run_binary<f32_vbinary__avx2>},
      {"f32_vbinary__ref", Isa::kRef, Backend::kNative, nullptr, binary_f32_ref},
  };
  return table;
}

}  // namespace edgerun::kernels
