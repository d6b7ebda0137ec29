#include "kernels/sparse/qs8_spmm.h"

#include <algorithm>

namespace edgerun::kernels {

GroupSparseMatrix pack_group_sparse(const BlockSparseMatrix<int8_t>& a, int64_t group) {
  GroupSparseMatrix q;
  q.rows = a.rows;
  q.cols = a.cols;
  q.block_rows = a.block_rows;
  q.group = group;
  q.row_sum.assign(static_cast<size_t>(a.rows), 0);
  q.group_begin.push_back(0);
  const int64_t kb = a.k_blocks();
  for (int64_t rb = 0; rb < a.block_row_count(); ++rb) {
    const int32_t first = a.block_begin[rb * kb], end = a.block_begin[(rb + 1) * kb];
    for (int32_t s0 = first; s0 < end; s0 += static_cast<int32_t>(group)) {
      for (int32_t e = 0; e < group; ++e) q.group_col.push_back(a.block_col[std::min(s0 + e, end - 1)]);
      for (int64_t i = 0; i < a.block_rows; ++i) {
        for (int64_t e = 0; e < group; ++e) {
          const int64_t s = s0 + e;
          const int8_t w = s < end ? a.values[s * a.block_rows + i] : int8_t{0};
          q.values.push_back(w);
          if (rb * a.block_rows + i < a.rows) q.row_sum[rb * a.block_rows + i] += w;
        }
      }
    }
    q.group_begin.push_back(static_cast<int32_t>(q.group_col.size() / group));
  }
  return q;
}

void qs8_spmm__ref(const QSpmmParams& p) {
  const GroupSparseMatrix& a = *p.a;
  const int64_t base = p.block_row_begin * a.block_rows;
  for (int64_t rb = p.block_row_begin; rb < p.block_row_end; ++rb) {
    for (int64_t i = 0; i < a.block_rows && rb * a.block_rows + i < a.rows; ++i) {
      const int64_t r = rb * a.block_rows + i;
      for (int64_t j = 0; j < p.n; ++j) {
        int32_t acc = p.init[r];
        for (int32_t g = a.group_begin[rb]; g < a.group_begin[rb + 1]; ++g) {
          for (int64_t e = 0; e < a.group; ++e) {
            acc += static_cast<int32_t>(a.values[(g * a.block_rows + i) * a.group + e]) *
                   static_cast<int32_t>(qspmm_b_row(p, a.group_col[g * a.group + e])[j]);
          }
        }
        p.c[p.transposed_c ? j * p.ldc + (r - base) : (r - base) * p.ldc + j] = acc;
      }
    }
  }
}

QSpmmChoice choose_qs8_spmm(Isa isa, int64_t block_rows) {
  struct Entry {
    Isa isa;
    int64_t block_rows;
    QSpmmChoice choice;
  };
  static const Entry table[] = {
      {Isa::kAvx512Vnni, 4, {x86::qs8_spmm_4x64__avx512vnni, 4}},
      {Isa::kAvx512Vnni, 2, {x86::qs8_spmm_2x64__avx512vnni, 4}},
      {Isa::kAvx512Vnni, 1, {x86::qs8_spmm_1x64__avx512vnni, 4}},
      {Isa::kAvx2, 4, {x86::qs8_spmm_4x16__avx2, 2}},
      {Isa::kAvx2, 2, {x86::qs8_spmm_2x16__avx2, 2}},
      {Isa::kAvx2, 1, {x86::qs8_spmm_1x16__avx2, 2}},
  };
  for (const Entry& e : table) {
    if (e.isa == isa && e.block_rows == block_rows) return e.choice;
  }
  return {qs8_spmm__ref, 4};
}

}  // namespace edgerun::kernels
