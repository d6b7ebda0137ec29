// The packed GEMM: every microkernel tile of each ISA directly (depth blocks, tails, epilogue), then
// every dense and batched-matmul entry against the reference.
#include <cstdlib>
#include <limits>
#include <memory>
#include <string>

#include "kernels/gemm/dense.h"
#include "kernels/gemm/f32_gemm.h"
#include "kernels/gemm/matmul.h"
#include "tests/kernels/dense_tester.h"
#include "tests/kernels/kernel_tester.h"

namespace edgerun::testing {

namespace {

using kernels::Isa;

// c[i][j] = sum_p a[i][p] * b[p][j] in double, row-major.
std::vector<float> naive_gemm(const std::vector<float>& a, const std::vector<float>& b, int64_t m, int64_t n,
                              int64_t k) {
  std::vector<float> c(static_cast<size_t>(m * n));
  for (int64_t i = 0; i < m; ++i) {
    for (int64_t j = 0; j < n; ++j) {
      double sum = 0;
      for (int64_t p = 0; p < k; ++p) sum += static_cast<double>(a[i * k + p]) * b[p * n + j];
      c[i * n + j] = static_cast<float>(sum);
    }
  }
  return c;
}

}  // namespace

TEST_CASE("gemm tiles: depth blocks, tails, row and column bias, residual, clamp") {
  for (Isa isa : {Isa::kAvx2, Isa::kAvx512}) {
    if (!kernels::isa_usable(isa)) {
      MESSAGE("skipped the " << std::string(kernels::isa_name(isa))
                             << " tiles: this CPU (capped by EDGERUN_ISA) lacks it");
      continue;
    }
    for (const kernels::GemmTile& tile : kernels::gemm_tiles(isa)) {
      for (int64_t n : {tile.nr + 5, 2 * tile.nr - 3}) {  // last panel: one vector / all but part of one
        const std::string name = tile.name;
        CAPTURE(name);
        CAPTURE(n);
        const int64_t m = 2 * tile.mr + 3, k = 37, kc = 16;
        const auto a = random_floats(static_cast<size_t>(m * k), 1);
        const auto b = random_floats(static_cast<size_t>(k * n), 2);
        const auto row_bias = random_floats(static_cast<size_t>(m), 3);
        const auto col_bias = random_floats(static_cast<size_t>(n), 4);
        const auto residual = random_floats(static_cast<size_t>(m * n), 5);
        std::vector<float> a_pack(static_cast<size_t>(kernels::ceil_div(m, tile.mr) * tile.mr * k));
        std::vector<float> b_pack(static_cast<size_t>(kernels::ceil_div(n, tile.nr) * tile.nr * k));
        kernels::pack_a_panels(a.data(), k, 1, m, k, tile.mr, a_pack.data());
        kernels::pack_b_panels(b.data(), n, 1, k, n, tile.nr, b_pack.data());
        std::vector<float> expected = naive_gemm(a, b, m, n, k);
        for (int64_t i = 0; i < m; ++i) {
          for (int64_t j = 0; j < n; ++j) {
            const float v = expected[i * n + j] + row_bias[i] + col_bias[j] + residual[i * n + j];
            expected[i * n + j] = std::min(std::max(v, -0.5f), 2.0f);
          }
        }
        // One column past n on every row stays untouched: stores are masked to the tile.
        const int64_t ldc = n + 1;
        std::vector<float> c(static_cast<size_t>(m * ldc), 42.0f);
        kernels::x86::GemmUkernelParams p;
        p.c = c.data();
        p.ldc = ldc;
        p.row_bias = row_bias.data();
        p.col_bias = col_bias.data();
        p.residual = residual.data();
        p.ld_residual = n;
        p.min = -0.5f;
        p.max = 2.0f;
        for (int64_t k0 = 0; k0 < k; k0 += kc) {
          p.kc = std::min(kc, k - k0);
          p.first = k0 == 0;
          p.last = k0 + p.kc == k;
          kernels::gemm_panels(tile, m, n, a_pack.data() + k0 * tile.mr, k * tile.mr, b_pack.data() + k0 * tile.nr,
                               k * tile.nr, p);
        }
        std::vector<float> got(static_cast<size_t>(m * n));
        for (int64_t i = 0; i < m; ++i) {
          CHECK(c[i * ldc + n] == 42.0f);
          for (int64_t j = 0; j < n; ++j) got[i * n + j] = c[i * ldc + j];
        }
        CHECK(max_relative_error(got, expected) <= f32_tolerance(k));
      }
    }
  }
}

TEST_CASE("dense entries match the reference") {
  for_each_impl(kernels::dense_f32_impls(), [&](const kernels::DenseF32Impl& impl) {
    for (const DenseCase& c : dense_cases()) {
      for (const kernels::Epilogue& ep : dense_epilogues()) {
        for (bool bias : {false, true}) check_dense(impl, c, ep, bias);
      }
    }
  });
}

TEST_CASE("batched matmul entries match a naive product, transposed views included") {
  struct Case {
    int64_t batch, m, n, k;
    bool transpose_a, transpose_b;
  };
  const Case cases[] = {{3, 17, 29, 64, false, true},   // attention's Q . K^T, odd sizes
                        {2, 31, 19, 45, false, false},  // P . V
                        {1, 5, 300, 270, true, false},  // depth past one K block
                        {2, 1, 1, 1, false, false},
                        {1, 3, 4, 0, false, false}};
  for_each_impl(kernels::matmul_f32_impls(), [&](const kernels::MatMulF32Impl& impl) {
    const std::string name = impl.name;
    CAPTURE(name);
    for (const Case& c : cases) {
      CAPTURE(c.m);
      CAPTURE(c.n);
      CAPTURE(c.k);
      const auto a = random_floats(static_cast<size_t>(c.batch * c.m * c.k), 1);
      const auto b = random_floats(static_cast<size_t>(c.batch * c.k * c.n), 2);
      kernels::MatMulArgs x;
      x.batch = c.batch;
      x.m = c.m;
      x.n = c.n;
      x.k = c.k;
      x.a = a.data();
      x.a_batch_stride = c.m * c.k;
      x.a_row_stride = c.transpose_a ? 1 : c.k;  // transposed: stored k x m
      x.a_col_stride = c.transpose_a ? c.m : 1;
      x.b = b.data();
      x.b_batch_stride = c.k * c.n;
      x.b_row_stride = c.transpose_b ? 1 : c.n;  // transposed: stored n x k
      x.b_col_stride = c.transpose_b ? c.k : 1;
      std::vector<float> got(static_cast<size_t>(c.batch * c.m * c.n), 42.0f);
      x.c = got.data();
      impl.run(x);
      std::vector<float> expected;
      for (int64_t bi = 0; bi < c.batch; ++bi) {
        std::vector<float> am(static_cast<size_t>(c.m * c.k)), bm(static_cast<size_t>(c.k * c.n));
        for (int64_t i = 0; i < c.m; ++i) {
          for (int64_t p = 0; p < c.k; ++p) {
            am[i * c.k + p] = a[bi * x.a_batch_stride + i * x.a_row_stride + p * x.a_col_stride];
          }
        }
        for (int64_t p = 0; p < c.k; ++p) {
          for (int64_t j = 0; j < c.n; ++j) {
            bm[p * c.n + j] = b[bi * x.b_batch_stride + p * x.b_row_stride + j * x.b_col_stride];
          }
        }
        const auto one = naive_gemm(am, bm, c.m, c.n, c.k);
        expected.insert(expected.end(), one.begin(), one.end());
      }
      CHECK(max_relative_error(got, expected) <= f32_tolerance(c.k));
    }
  });
}

}  // namespace edgerun::testing
