// The sparse kernels (kernels/sparse): the block format against the dense matrix it packs, then every
// sparse conv and dense entry (FP32 within rounding, INT8 bit for bit) against the dense reference on
// the same pruned weights, for each block height the packer picks (unstructured, 2x1, 4x1 masks, and
// no zeros at all) on the conv and dense kernel tests' shapes: odd channels, tails of every tile,
// strides, padding, dilations, groups; INT8 with uint8 and float output, residual in place.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>
#include <string>

#include "kernels/qconv/qconv2d.h"
#include "kernels/qgemm/qgemm.h"
#include "kernels/sparse/block_sparse.h"
#include "kernels/sparse/conv2d_sparse.h"
#include "kernels/sparse/dense_sparse.h"
#include "kernels/sparse/qconv2d_sparse.h"
#include "kernels/sparse/qgemm_sparse.h"
#include "tests/kernels/conv2d_tester.h"
#include "tests/kernels/dense_tester.h"

namespace edgerun::testing {

namespace {

struct Mask {
  const char* name;
  int64_t block_rows;  // rows per pruned block
  double zeros;        // fraction of blocks zeroed
};

const Mask kMasks[] = {{"unstructured 70%", 1, 0.7}, {"2x1 75%", 2, 0.75}, {"4x1 90%", 4, 0.9}, {"dense", 1, 0.0}};

// Seeded random weights with blocks of `block_rows` rows at one column of the [rows, cols] view
// (a(r, c) = w[r * row_stride + c * col_stride]) zeroed with probability `zeros`.
std::vector<float> pruned_weights(int64_t rows, int64_t cols, int64_t row_stride, int64_t col_stride, const Mask& mask,
                                  uint32_t seed) {
  std::vector<float> w = random_floats(static_cast<size_t>(rows * cols), seed);
  std::mt19937 rng(seed + 100);
  std::bernoulli_distribution prune(mask.zeros);
  for (int64_t r0 = 0; r0 < rows; r0 += mask.block_rows) {
    for (int64_t c = 0; c < cols; ++c) {
      if (!prune(rng)) continue;
      for (int64_t r = r0; r < std::min(rows, r0 + mask.block_rows); ++r) w[r * row_stride + c * col_stride] = 0.0f;
    }
  }
  return w;
}

// The conv tests' shapes and stride-1 layers wide enough for the sparse convs' padded "wide grid"
// (kernels/conv/wide_grid.h): batch 2, and dilated in two groups.
std::vector<ConvCase> sparse_conv_cases() {
  std::vector<ConvCase> cases = conv_cases();
  cases.push_back({2, 16, 12, 1, 16, 16, 3, 1, 1, 1});
  cases.push_back({1, 24, 20, 2, 20, 20, 3, 1, 2, 2});
  return cases;
}

// The float weights as int8 (zeros stay zeros).
std::vector<int8_t> to_int8(const std::vector<float>& w) {
  std::vector<int8_t> q(w.size());
  for (size_t i = 0; i < w.size(); ++i) q[i] = static_cast<int8_t>(std::lround(w[i] * 127.0f));
  return q;
}

// An output description: uint8 (per-channel scales, bias, zero point 120, a ReLU-like lo) or float
// with a residual and clamp.
kernels::QuantOutput quant_output(int64_t channels, int64_t depth, bool float_output, uint32_t seed) {
  kernels::QuantOutput out;
  const float base = (float_output ? 2.0f : 100.0f) / (std::sqrt(static_cast<float>(depth)) * 128.0f * 80.0f);
  for (float f : random_floats(static_cast<size_t>(channels), seed, 0.25f, 4.0f)) out.scale.push_back(base * f);
  for (float f : random_floats(static_cast<size_t>(channels), seed + 1, -20000.0f, 20000.0f)) {
    out.bias.push_back(static_cast<int32_t>(f));
  }
  out.float_output = float_output;
  out.zero_point = 120;
  out.lo = 110;
  out.epilogue.residual = float_output;
  out.epilogue.min = -1.5f;
  out.epilogue.max = 1.75f;
  return out;
}

std::vector<uint8_t> random_bytes(size_t count, uint32_t seed) {
  std::vector<uint8_t> v(count);
  std::mt19937 rng(seed);
  for (uint8_t& b : v) b = static_cast<uint8_t>(rng());
  return v;
}

// 64-byte aligned scratch of `bytes` inside storage, as the engine gives.
void* aligned_scratch(std::vector<uint64_t>& storage, size_t bytes) {
  storage.assign(bytes / 8 + 8, 0);
  return reinterpret_cast<void*>((reinterpret_cast<uintptr_t>(storage.data()) + 63) & ~uintptr_t{63});
}

// y as bytes: uint8 output, or float output computed in place over a residual.
template <typename Op, typename Input>
std::vector<uint8_t> run_int8(const Op& op, const Input& x, bool float_output, size_t count) {
  std::vector<uint64_t> scratch;
  void* sp = aligned_scratch(scratch, op.scratch_bytes());
  if (!float_output) {
    std::vector<uint8_t> y(count, 0x5A);
    op.run(x.data(), nullptr, y.data(), sp);
    return y;
  }
  std::vector<float> y = random_floats(count, 77, -2.0f, 2.0f);
  op.run(x.data(), y.data(), y.data(), sp);
  std::vector<uint8_t> bytes(count * sizeof(float));
  std::memcpy(bytes.data(), y.data(), bytes.size());
  return bytes;
}

}  // namespace

TEST_CASE("block-sparse packing keeps every nonzero and picks the mask's block height") {
  const int64_t rows = 37, cols = 29;  // a partial last block of every height
  for (const Mask& mask : kMasks) {
    CAPTURE(std::string(mask.name));
    const auto w = pruned_weights(rows, cols, cols, 1, mask, 5);
    const int64_t block_rows = kernels::choose_block_rows(w.data(), rows, cols, cols, 1);
    if (mask.zeros == 0.0) {
      CHECK(block_rows == 4);  // no zeros: any height stores exactly the matrix
    } else {
      CHECK(block_rows == mask.block_rows);
    }
    for (int64_t height : {1, 2, 4}) {
      const int64_t k_block = 8;  // 4 k blocks, the last partial
      const auto packed = kernels::pack_block_sparse(w.data(), rows, cols, cols, 1, height, k_block);
      REQUIRE(packed.k_blocks() == 4);
      REQUIRE(packed.block_row_count() * 4 + 1 == static_cast<int64_t>(packed.block_begin.size()));
      std::vector<float> unpacked(w.size(), 0.0f);
      for (int64_t segment = 0; segment < packed.block_row_count() * 4; ++segment) {
        const int64_t rb = segment / 4, kb = segment % 4;
        for (int32_t s = packed.block_begin[segment]; s < packed.block_begin[segment + 1]; ++s) {
          CHECK(packed.block_col[s] / k_block == kb);
          for (int64_t i = 0; i < height; ++i) {
            const int64_t r = rb * height + i;
            const float v = packed.values[static_cast<size_t>(s * height + i)];
            if (r < rows) {
              unpacked[static_cast<size_t>(r * cols + packed.block_col[s])] = v;
            } else {
              CHECK(v == 0.0f);  // padding rows of the last block
            }
          }
        }
      }
      CHECK(unpacked == w);
      if (height == mask.block_rows && mask.zeros > 0) {
        // Stored exactly: the nonzeros plus the zeros a random weight never is.
        const auto nonzeros = std::count_if(w.begin(), w.end(), [](float v) { return v != 0.0f; });
        const int64_t last_row_blocks = packed.block_begin.back() - packed.block_begin[(packed.block_row_count() - 1) * 4];
        const int64_t padding = (rows % height ? height - rows % height : 0) * last_row_blocks;
        CHECK(static_cast<int64_t>(packed.values.size()) == nonzeros + padding);
      }
    }
  }
}

TEST_CASE("sparse conv entries match the dense reference on pruned weights") {
  Epilogue residual_relu;
  residual_relu.residual = true;
  residual_relu.min = 0.0f;
  Epilogue clip6;
  clip6.min = 0.0f;
  clip6.max = 6.0f;
  for_each_impl(kernels::conv2d_sparse_f32_impls(), [&](const Conv2dF32Impl& impl) {
    for (const Mask& mask : kMasks) {
      CAPTURE(std::string(mask.name));
      for (const ConvCase& c : sparse_conv_cases()) {
        const Conv2dShape s = make_shape(c);
        const int64_t depth = s.in_channels_per_group() * s.kernel_h * s.kernel_w;
        const auto w = pruned_weights(s.out_channels, depth, depth, 1, mask, 11);
        check_conv(impl, c, true, Epilogue(), &w);
        check_conv(impl, c, false, residual_relu, &w);
      }
      const ConvCase& odd = conv_cases()[1];
      const Conv2dShape s = make_shape(odd);
      const auto w = pruned_weights(s.out_channels, s.in_channels, s.in_channels, 1, mask, 12);
      check_conv(impl, odd, true, clip6, &w);
    }
  });
}

TEST_CASE("sparse conv entries leave depthwise to other kernels") {
  const ConvCase depthwise{1, 8, 8, 8, 6, 6, 3, 1, 1, 1};
  for (const Conv2dF32Impl& impl : kernels::conv2d_sparse_f32_impls()) CHECK_FALSE(impl.supports(make_shape(depthwise)));
}

TEST_CASE("sparse dense entries match the dense reference on pruned weights") {
  std::vector<DenseCase> cases = dense_cases();
  cases.push_back({128, 96, 200, true});   // BERT-like: a tile of tokens, output features in 4x1 blocks
  cases.push_back({70, 33, 50, false});    // a column tile and a tail of tokens, untransposed weights
  for_each_impl(kernels::dense_sparse_f32_impls(), [&](const kernels::DenseF32Impl& impl) {
    for (const Mask& mask : kMasks) {
      CAPTURE(std::string(mask.name));
      for (const DenseCase& c : cases) {
        // Blocks run along the output features n: the rows of the [n, k] view of the weights.
        const auto w = pruned_weights(c.n, c.k, c.transpose_b ? c.k : 1, c.transpose_b ? 1 : c.n, mask, 13);
        for (const kernels::Epilogue& ep : dense_epilogues()) check_dense(impl, c, ep, true, &w);
        check_dense(impl, c, kernels::Epilogue(), false, &w);
      }
    }
  });
}

}  // namespace edgerun::testing

namespace edgerun::testing {

TEST_CASE("sparse INT8 conv entries equal the dense reference bit for bit on pruned weights") {
  for_each_impl(kernels::qconv2d_sparse_impls(), [&](const kernels::QConv2dImpl& impl) {
    for (const Mask& mask : kMasks) {
      CAPTURE(std::string(mask.name));
      for (const ConvCase& c : sparse_conv_cases()) {
        const Conv2dShape s = make_shape(c);
        if (!impl.supports(s)) continue;
        CAPTURE(c.in_c);
        CAPTURE(c.out_c);
        CAPTURE(c.kernel);
        CAPTURE(c.stride);
        CAPTURE(c.groups);
        const int64_t depth = s.in_channels_per_group() * s.kernel_h * s.kernel_w;
        const auto w = to_int8(pruned_weights(s.out_channels, depth, depth, 1, mask, 21));
        const auto x = random_bytes(static_cast<size_t>(s.batch * s.in_channels * s.in_h * s.in_w), 22);
        const size_t count = static_cast<size_t>(s.batch * s.out_channels * s.out_h * s.out_w);
        for (bool float_output : {false, true}) {
          CAPTURE(float_output);
          kernels::QConv2dParams params;
          params.x_zero_point = 37;
          params.output = quant_output(s.out_channels, depth, float_output, 23);
          auto made = impl.create(s, w.data(), params);
          auto ref = kernels::qconv2d_impls().back().create(s, w.data(), params);
          REQUIRE(made.ok());
          REQUIRE(ref.ok());
          CHECK(run_int8(**made, x, float_output, count) == run_int8(**ref, x, float_output, count));
        }
      }
    }
  });
}

TEST_CASE("sparse INT8 GEMM entries equal the dense reference bit for bit on pruned weights") {
  std::vector<DenseCase> cases = dense_cases();
  cases.push_back({128, 96, 200, false});  // BERT-like: two column tiles of tokens
  for_each_impl(kernels::qgemm_sparse_impls(), [&](const kernels::QGemmU8S8Impl& impl) {
    for (const Mask& mask : kMasks) {
      CAPTURE(std::string(mask.name));
      for (const DenseCase& c : cases) {
        CAPTURE(c.m);
        CAPTURE(c.n);
        CAPTURE(c.k);
        // b [k, n]; blocks along the output features n: rows of the [n, k] view.
        const auto b = to_int8(pruned_weights(c.n, c.k, 1, c.n, mask, 31));
        const auto a = random_bytes(static_cast<size_t>(c.m * c.k), 32);
        for (bool float_output : {false, true}) {
          CAPTURE(float_output);
          const kernels::QuantOutput out = quant_output(c.n, c.k, float_output, 33);
          auto made = impl.create({c.m, c.n, c.k}, b.data(), 201, out);
          auto ref = kernels::qgemm_u8s8_impls().back().create({c.m, c.n, c.k}, b.data(), 201, out);
          REQUIRE(made.ok());
          REQUIRE(ref.ok());
          const size_t count = static_cast<size_t>(c.m * c.n);
          CHECK(run_int8(**made, a, float_output, count) == run_int8(**ref, a, float_output, count));
          std::vector<int32_t> acc(count), expected(count);
          std::vector<uint64_t> scratch;
          (*made)->run_s32(a.data(), acc.data(), aligned_scratch(scratch, (*made)->scratch_bytes()));
          (*ref)->run_s32(a.data(), expected.data(), aligned_scratch(scratch, (*ref)->scratch_bytes()));
          CHECK(acc == expected);
        }
      }
    }
  });
}

}  // namespace edgerun::testing
