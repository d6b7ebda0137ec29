// The sparse kernels (kernels/sparse): the block format against the dense matrix it packs, then every
// sparse conv and dense entry against the dense reference on the same pruned weights, for each block
// height the packer picks (unstructured, 2x1, 4x1 masks, and no zeros at all) on the conv and dense
// kernel tests' shapes: odd channels, tails of every tile, strides, padding, dilations, groups.
#include <algorithm>
#include <random>
#include <string>

#include "kernels/sparse/block_sparse.h"
#include "kernels/sparse/conv2d_sparse.h"
#include "kernels/sparse/dense_sparse.h"
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
      for (const ConvCase& c : conv_cases()) {
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
