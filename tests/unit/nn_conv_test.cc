// Conv, ConvTranspose and the reference GEMM against direct nested-loop definitions.
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cmath>

#include "kernels/ref/nn/conv.h"
#include "kernels/ref/nn/gemm.h"
#include "tests/unit/op_runner.h"

#if defined(_OPENMP)
#include <omp.h>
#endif

namespace edgerun {
namespace {

using testing::random_values;

// A convolution case in 3-D; 1-D and 2-D cases have leading spatial dims of 1.
struct ConvCase {
  int64_t n, c, m, groups;
  std::array<int64_t, 3> in, k, s, d, pb, pe;
};

int64_t prod3(const std::array<int64_t, 3>& a) { return a[0] * a[1] * a[2]; }

std::array<int64_t, 3> conv_out(const ConvCase& t) {
  std::array<int64_t, 3> o{};
  for (int i = 0; i < 3; ++i) o[i] = (t.in[i] + t.pb[i] + t.pe[i] - (t.k[i] - 1) * t.d[i] - 1) / t.s[i] + 1;
  return o;
}

// y[n][m][o] = bias[m] + sum_{ci, k} x[n][g * cg + ci][o * s - pb + k * d] * w[m][ci][k]
std::vector<double> direct_conv(const ConvCase& t, const std::vector<float>& x, const std::vector<float>& w,
                                const std::vector<float>& bias) {
  const auto o = conv_out(t);
  const int64_t cg = t.c / t.groups, mg = t.m / t.groups;
  std::vector<double> y(static_cast<size_t>(t.n * t.m * prod3(o)));
  size_t yi = 0;
  for (int64_t n = 0; n < t.n; ++n)
    for (int64_t m = 0; m < t.m; ++m)
      for (int64_t o0 = 0; o0 < o[0]; ++o0)
        for (int64_t o1 = 0; o1 < o[1]; ++o1)
          for (int64_t o2 = 0; o2 < o[2]; ++o2) {
            double sum = bias.empty() ? 0.0 : bias[static_cast<size_t>(m)];
            const int64_t g = m / mg;
            for (int64_t ci = 0; ci < cg; ++ci)
              for (int64_t k0 = 0; k0 < t.k[0]; ++k0)
                for (int64_t k1 = 0; k1 < t.k[1]; ++k1)
                  for (int64_t k2 = 0; k2 < t.k[2]; ++k2) {
                    const int64_t i0 = o0 * t.s[0] - t.pb[0] + k0 * t.d[0];
                    const int64_t i1 = o1 * t.s[1] - t.pb[1] + k1 * t.d[1];
                    const int64_t i2 = o2 * t.s[2] - t.pb[2] + k2 * t.d[2];
                    if (i0 < 0 || i0 >= t.in[0] || i1 < 0 || i1 >= t.in[1] || i2 < 0 || i2 >= t.in[2]) continue;
                    const int64_t c = g * cg + ci;
                    const double xv = x[static_cast<size_t>((((n * t.c + c) * t.in[0] + i0) * t.in[1] + i1) * t.in[2] + i2)];
                    const double wv = w[static_cast<size_t>((((m * cg + ci) * t.k[0] + k0) * t.k[1] + k1) * t.k[2] + k2)];
                    sum += xv * wv;
                  }
            y[yi++] = sum;
          }
  return y;
}

// Transposed: y[n][g * mg + mi][i * s - pb + k * d] += x[n][g * cg + ci][i] * w[g * cg + ci][mi][k]
std::vector<double> direct_conv_transpose(const ConvCase& t, const std::array<int64_t, 3>& out,
                                          const std::vector<float>& x, const std::vector<float>& w,
                                          const std::vector<float>& bias) {
  const int64_t cg = t.c / t.groups, mg = t.m / t.groups;
  std::vector<double> y(static_cast<size_t>(t.n * t.m * prod3(out)));
  for (int64_t n = 0; n < t.n; ++n)
    for (int64_t m = 0; m < t.m; ++m)
      for (int64_t p = 0; p < prod3(out); ++p) y[static_cast<size_t>((n * t.m + m) * prod3(out) + p)] = bias.empty() ? 0.0 : bias[static_cast<size_t>(m)];
  for (int64_t n = 0; n < t.n; ++n)
    for (int64_t c = 0; c < t.c; ++c)
      for (int64_t mi = 0; mi < mg; ++mi)
        for (int64_t i0 = 0; i0 < t.in[0]; ++i0)
          for (int64_t i1 = 0; i1 < t.in[1]; ++i1)
            for (int64_t i2 = 0; i2 < t.in[2]; ++i2)
              for (int64_t k0 = 0; k0 < t.k[0]; ++k0)
                for (int64_t k1 = 0; k1 < t.k[1]; ++k1)
                  for (int64_t k2 = 0; k2 < t.k[2]; ++k2) {
                    const int64_t o0 = i0 * t.s[0] - t.pb[0] + k0 * t.d[0];
                    const int64_t o1 = i1 * t.s[1] - t.pb[1] + k1 * t.d[1];
                    const int64_t o2 = i2 * t.s[2] - t.pb[2] + k2 * t.d[2];
                    if (o0 < 0 || o0 >= out[0] || o1 < 0 || o1 >= out[1] || o2 < 0 || o2 >= out[2]) continue;
                    const int64_t m = c / cg * mg + mi;
                    const double xv = x[static_cast<size_t>((((n * t.c + c) * t.in[0] + i0) * t.in[1] + i1) * t.in[2] + i2)];
                    const double wv = w[static_cast<size_t>((((c * mg + mi) * t.k[0] + k0) * t.k[1] + k1) * t.k[2] + k2)];
                    y[static_cast<size_t>((((n * t.m + m) * out[0] + o0) * out[1] + o1) * out[2] + o2)] += xv * wv;
                  }
  return y;
}

// Spatial rank of a case: leading dims of size 1 with a trivial window are dropped.
size_t spatial_rank(const ConvCase& t) {
  size_t first = 0;
  while (first < 2 && t.in[first] == 1 && t.k[first] == 1 && t.pb[first] == 0 && t.pe[first] == 0) ++first;
  return 3 - first;
}

std::vector<int64_t> tail(const std::array<int64_t, 3>& a, size_t r) { return {a.end() - static_cast<std::ptrdiff_t>(r), a.end()}; }

ref::ConvParams params_of(const ConvCase& t, const std::array<int64_t, 3>& image, const std::array<int64_t, 3>& grid) {
  const size_t r = spatial_rank(t);
  ref::ConvParams p;
  p.batch = t.n;
  p.in_channels = t.c;
  p.out_channels = t.m;
  p.groups = t.groups;
  p.patch = {tail(image, r), tail(grid, r), tail(t.k, r), tail(t.s, r), tail(t.d, r), tail(t.pb, r)};
  return p;
}

void check_close(const std::vector<float>& got, const std::vector<double>& want, double tol = 1e-4) {
  REQUIRE(got.size() == want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    if (std::fabs(got[i] - want[i]) > tol * (1.0 + std::fabs(want[i]))) {
      FAIL("element " << i << ": got " << got[i] << " want " << want[i]);
    }
  }
}

const ConvCase kConvCases[] = {
    // n, c, m, groups, in, k, s, d, pb, pe
    {1, 3, 5, 1, {1, 1, 17}, {1, 1, 3}, {1, 1, 1}, {1, 1, 1}, {0, 0, 1}, {0, 0, 1}},   // 1-D, padded
    {2, 4, 6, 2, {1, 1, 13}, {1, 1, 4}, {1, 1, 3}, {1, 1, 2}, {0, 0, 2}, {0, 0, 0}},   // 1-D, groups, dilation
    {1, 3, 4, 1, {1, 7, 9}, {1, 3, 3}, {1, 1, 1}, {1, 1, 1}, {0, 1, 1}, {0, 1, 1}},    // 2-D same padding
    {2, 5, 7, 1, {1, 11, 10}, {1, 3, 2}, {1, 2, 3}, {1, 2, 1}, {0, 1, 0}, {0, 2, 1}},  // odd strides, asym pads
    {1, 6, 6, 6, {1, 9, 8}, {1, 3, 3}, {1, 2, 2}, {1, 1, 1}, {0, 1, 1}, {0, 1, 1}},    // depthwise, strided
    {1, 4, 8, 4, {1, 6, 7}, {1, 3, 3}, {1, 1, 1}, {1, 2, 2}, {0, 2, 2}, {0, 2, 2}},    // depthwise x2, dilated
    {2, 8, 12, 1, {1, 5, 5}, {1, 1, 1}, {1, 1, 1}, {1, 1, 1}, {0, 0, 0}, {0, 0, 0}},   // pointwise (no im2col)
    {1, 70, 9, 1, {1, 6, 5}, {1, 3, 3}, {1, 1, 1}, {1, 1, 1}, {0, 1, 1}, {0, 1, 1}},   // K crosses a GEMM tile
    {1, 2, 3, 1, {4, 5, 6}, {2, 3, 2}, {1, 2, 1}, {1, 1, 2}, {1, 0, 1}, {0, 1, 1}},    // 3-D
    {1, 4, 4, 2, {5, 4, 3}, {3, 2, 2}, {2, 1, 1}, {1, 1, 1}, {1, 1, 0}, {1, 0, 1}},    // 3-D groups
};

TEST_CASE("conv matches direct convolution in 1, 2 and 3 dims") {
  uint32_t seed = 1;
  for (const ConvCase& t : kConvCases) {
    CAPTURE(seed);
    const int64_t cg = t.c / t.groups;
    const auto x = random_values<float>(static_cast<size_t>(t.n * t.c * prod3(t.in)), seed++);
    const auto w = random_values<float>(static_cast<size_t>(t.m * cg * prod3(t.k)), seed++);
    const auto bias = random_values<float>(static_cast<size_t>(t.m), seed++);
    const auto out = conv_out(t);
    const ref::ConvParams p = params_of(t, t.in, out);
    std::vector<float> y(static_cast<size_t>(t.n * t.m * prod3(out)));
    std::vector<float> ws(static_cast<size_t>(ref::conv_workspace_size(p)));
    ref::conv(p, x.data(), w.data(), bias.data(), y.data(), ws.data());
    check_close(y, direct_conv(t, x, w, bias));
    ref::conv<float>(p, x.data(), w.data(), nullptr, y.data(), ws.data());
    check_close(y, direct_conv(t, x, w, {}));
  }
}

TEST_CASE("conv_transpose matches the direct scatter definition") {
  uint32_t seed = 100;
  for (const ConvCase& t : kConvCases) {
    CAPTURE(seed);
    // Here t.c is the input channels and t.m the output channels; the output size is the full
    // transposed extent minus the pads.
    std::array<int64_t, 3> out{};
    for (int i = 0; i < 3; ++i) out[i] = (t.in[i] - 1) * t.s[i] + (t.k[i] - 1) * t.d[i] + 1 - t.pb[i] - t.pe[i];
    if (std::any_of(out.begin(), out.end(), [](int64_t v) { return v < 1; })) continue;
    const int64_t mg = t.m / t.groups;
    const auto x = random_values<float>(static_cast<size_t>(t.n * t.c * prod3(t.in)), seed++);
    const auto w = random_values<float>(static_cast<size_t>(t.c * mg * prod3(t.k)), seed++);
    const auto bias = random_values<float>(static_cast<size_t>(t.m), seed++);
    const ref::ConvParams p = params_of(t, out, t.in);
    std::vector<float> y(static_cast<size_t>(t.n * t.m * prod3(out)));
    std::vector<float> ws(static_cast<size_t>(ref::conv_transpose_workspace_size(p)));
    ref::conv_transpose(p, x.data(), w.data(), bias.data(), y.data(), ws.data());
    check_close(y, direct_conv_transpose(t, out, x, w, bias));
  }
}

TEST_CASE("Conv op resolves auto_pad and matches the direct definition") {
  // SAME_UPPER on 9 x 8 with stride 2 and a 4 x 3 kernel: out 5 x 4, total pads 3 (1 + 2) and 1 (0 + 1).
  const ConvCase t = {1, 2, 3, 1, {1, 9, 8}, {1, 4, 3}, {1, 2, 2}, {1, 1, 1}, {0, 1, 0}, {0, 2, 1}};
  const auto x = random_values<float>(static_cast<size_t>(2 * 9 * 8), 7);
  const auto w = random_values<float>(static_cast<size_t>(3 * 2 * 4 * 3), 8);
  Node node = testing::make_node(OpType::kConv, 2, 1);
  node.attrs.set_string("auto_pad", "SAME_UPPER");
  node.attrs.set_ints("strides", {2, 2});
  auto y = testing::run_op(node, {Tensor::from_vector<float>({1, 2, 9, 8}, x), Tensor::from_vector<float>({3, 2, 4, 3}, w)});
  REQUIRE(y.ok());
  CHECK(y.value()[0].shape() == Shape{1, 3, 5, 4});
  check_close(testing::values_of<float>(y.value()[0]), direct_conv(t, x, w, {}));
}

TEST_CASE("Conv op rejects inconsistent models with the node named") {
  Node node = testing::make_node(OpType::kConv, 2, 1);
  node.attrs.set_int("group", 2);
  auto y = testing::run_op(node, {Tensor::from_vector<float>({1, 3, 5, 5}, {}), Tensor::from_vector<float>({4, 3, 3, 3}, {})});
  REQUIRE_FALSE(y.ok());
  CHECK(y.status().message().find("node 'n' (Conv)") != std::string::npos);
  node.attrs.set_int("group", 1);
  node.attrs.set_ints("strides", {0, 1});
  y = testing::run_op(node, {Tensor::from_vector<float>({1, 3, 5, 5}, {}), Tensor::from_vector<float>({4, 3, 3, 3}, {})});
  CHECK_FALSE(y.ok());
  node.attrs.erase("strides");
  y = testing::run_op(node, {Tensor::from_vector<float>({1, 3, 2, 2}, {}), Tensor::from_vector<float>({4, 3, 3, 3}, {})});
  CHECK_FALSE(y.ok());  // kernel larger than the input
  // Absurd attribute values are rejected before any size arithmetic can overflow.
  const std::vector<Tensor> ok_inputs = {Tensor::from_vector<float>({1, 3, 5, 5}, {}), Tensor::from_vector<float>({4, 3, 3, 3}, {})};
  REQUIRE(testing::run_op(node, ok_inputs).ok());
  node.attrs.set_ints("dilations", {int64_t{1} << 40, 1});
  CHECK_FALSE(testing::run_op(node, ok_inputs).ok());
  node.attrs.erase("dilations");
  node.attrs.set_int("group", int64_t{1} << 62);
  CHECK_FALSE(testing::run_op(node, ok_inputs).ok());
}

TEST_CASE("ConvTranspose op output_shape with negative total padding extends the end") {
  // 1-D: in 3, kernel 3, stride 3: full extent 9; output_shape 10 leaves one zero (bias) element at the end.
  Node node = testing::make_node(OpType::kConvTranspose, 3, 1);
  node.attrs.set_ints("strides", {3});
  node.attrs.set_ints("output_shape", {10});
  auto y = testing::run_op(node, {Tensor::from_vector<float>({1, 1, 3}, {1, 2, 3}),
                                  Tensor::from_vector<float>({1, 1, 3}, {1, 10, 100}), Tensor::from_vector<float>({1}, {0.5f})});
  REQUIRE(y.ok());
  CHECK(testing::values_of<float>(y.value()[0]) ==
        std::vector<float>{1.5f, 10.5f, 100.5f, 2.5f, 20.5f, 200.5f, 3.5f, 30.5f, 300.5f, 0.5f});
}

// C = alpha * op(A) op(B) + beta * C by the textbook triple loop.
template <typename T>
std::vector<T> direct_gemm(const ref::GemmParams<T>& p, const std::vector<T>& a, const std::vector<T>& b,
                           std::vector<T> c) {
  for (int64_t i = 0; i < p.m; ++i)
    for (int64_t j = 0; j < p.n; ++j) {
      T sum = 0;
      for (int64_t q = 0; q < p.k; ++q) {
        const T av = p.trans_a ? a[static_cast<size_t>(q * p.lda + i)] : a[static_cast<size_t>(i * p.lda + q)];
        const T bv = p.trans_b ? b[static_cast<size_t>(j * p.ldb + q)] : b[static_cast<size_t>(q * p.ldb + j)];
        sum += av * bv;
      }
      T& out = c[static_cast<size_t>(i * p.ldc + j)];
      out = p.alpha * sum + (p.beta == T(0) ? T(0) : p.beta * out);
    }
  return c;
}

template <typename T>
ref::GemmParams<T> gemm_case(int64_t m, int64_t n, int64_t k, bool ta, bool tb, T alpha, T beta) {
  ref::GemmParams<T> p;
  p.m = m, p.n = n, p.k = k, p.trans_a = ta, p.trans_b = tb, p.alpha = alpha, p.beta = beta;
  p.lda = ta ? m + 1 : k + 2;  // padded leading dims
  p.ldb = tb ? k + 3 : n;
  p.ldc = n + 1;
  return p;
}

TEST_CASE("gemm matches the triple loop across tiles, transposes and alpha / beta") {
  uint32_t seed = 200;
  for (bool ta : {false, true}) {
    for (bool tb : {false, true}) {
      for (auto dims : {std::array<int64_t, 3>{1, 1, 1}, {70, 300, 260}, {5, 3, 0}, {64, 256, 256}}) {
        const auto p = gemm_case<double>(dims[0], dims[1], dims[2], ta, tb, 0.5, dims[0] == 70 ? 2.0 : 0.0);
        const size_t a_size = static_cast<size_t>((ta ? p.k : p.m) * p.lda);
        const size_t b_size = static_cast<size_t>((tb ? p.n : p.k) * p.ldb);
        const auto a = random_values<double>(a_size, seed++);
        const auto b = random_values<double>(b_size, seed++);
        auto c = random_values<double>(static_cast<size_t>(p.m * p.ldc), seed++);
        const auto want = direct_gemm(p, a, b, c);
        ref::gemm(p, a.data(), b.data(), c.data());
        for (size_t i = 0; i < c.size(); ++i) REQUIRE(c[i] == doctest::Approx(want[i]).epsilon(1e-12));
      }
    }
  }
}

TEST_CASE("integer gemm is exact and wraps like two's complement") {
  const auto p = gemm_case<int32_t>(9, 33, 300, true, false, 3, 1);
  const auto a = testing::random_ints<int32_t>(static_cast<size_t>(p.k * p.lda), 5, -40000, 40000);
  const auto b = testing::random_ints<int32_t>(static_cast<size_t>(p.k * p.ldb), 6, -40000, 40000);
  auto c = testing::random_ints<int32_t>(static_cast<size_t>(p.m * p.ldc), 7, -5, 5);
  auto want = direct_gemm<int64_t>(
      [&] {
        ref::GemmParams<int64_t> q;
        q.m = p.m, q.n = p.n, q.k = p.k, q.trans_a = true, q.lda = p.lda, q.ldb = p.ldb, q.ldc = p.ldc, q.alpha = 3, q.beta = 1;
        return q;
      }(),
      std::vector<int64_t>(a.begin(), a.end()), std::vector<int64_t>(b.begin(), b.end()),
      std::vector<int64_t>(c.begin(), c.end()));
  ref::gemm(p, a.data(), b.data(), c.data());
  for (size_t i = 0; i < c.size(); ++i) REQUIRE(c[i] == static_cast<int32_t>(want[i]));
}

#if defined(_OPENMP)
TEST_CASE("gemm results do not depend on the thread count") {
  const auto p = gemm_case<float>(130, 520, 700, false, true, 1.0f, 0.0f);
  const auto a = random_values<float>(static_cast<size_t>(p.m * p.lda), 1);
  const auto b = random_values<float>(static_cast<size_t>(p.n * p.ldb), 2);
  std::vector<float> c1(static_cast<size_t>(p.m * p.ldc)), c2(c1.size());
  const int threads = omp_get_max_threads();
  omp_set_num_threads(1);
  ref::gemm(p, a.data(), b.data(), c1.data());
  omp_set_num_threads(3);
  ref::gemm(p, a.data(), b.data(), c2.data());
  omp_set_num_threads(threads);
  CHECK(c1 == c2);
}
#endif

}  // namespace
}  // namespace edgerun
