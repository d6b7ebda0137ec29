// The dense kernel check shared by the dense (gemm_test.cc) and sparse (sparse_test.cc) tables: a
// kernel against the reference entry on one case and epilogue, also in place.
#pragma once

#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "kernels/gemm/dense.h"
#include "kernels/gemm/dense_ref.h"
#include "tests/kernels/kernel_tester.h"

namespace edgerun::testing {

struct DenseCase {
  int64_t m, n, k;
  bool transpose_b;
};

inline const std::vector<DenseCase>& dense_cases() {
  static const std::vector<DenseCase> cases = {{1, 1, 1, false},    {5, 17, 3, true},   {37, 53, 300, false},
                                               {128, 96, 64, true}, {3, 200, 70, false}, {29, 7, 513, true},
                                               {1, 1000, 40, true}};
  return cases;
}

// None, clip to [0, 6], residual then ReLU.
inline std::vector<kernels::Epilogue> dense_epilogues() {
  kernels::Epilogue clip;
  clip.min = 0.0f;
  clip.max = 6.0f;
  kernels::Epilogue residual_relu;
  residual_relu.residual = true;
  residual_relu.min = 0.0f;
  return {kernels::Epilogue(), clip, residual_relu};
}

// weights: b for the case ([k, n], or [n, k] transposed), or null for seeded random ones.
inline void check_dense(const kernels::DenseF32Impl& impl, const DenseCase& c, const kernels::Epilogue& ep, bool bias,
                        const std::vector<float>* weights = nullptr) {
  const std::string name = impl.name;
  CAPTURE(name);
  CAPTURE(c.m);
  CAPTURE(c.n);
  CAPTURE(c.k);
  CAPTURE(c.transpose_b);
  CAPTURE(bias);
  CAPTURE(ep.residual);
  kernels::DenseShape s;
  s.m = c.m;
  s.n = c.n;
  s.k = c.k;
  s.transpose_b = c.transpose_b;
  const auto a = random_floats(static_cast<size_t>(c.m * c.k), 1);
  const auto w = weights != nullptr ? *weights : random_floats(static_cast<size_t>(c.k * c.n), 2);
  const auto b = random_floats(static_cast<size_t>(c.n), 3);
  const auto residual = random_floats(static_cast<size_t>(c.m * c.n), 4);
  auto created = impl.create(s, w.data(), bias ? b.data() : nullptr, ep);
  auto created_ref = kernels::create_dense_f32_ref(s, w.data(), bias ? b.data() : nullptr, ep);
  REQUIRE_MESSAGE(created.ok(), created.status().to_string());
  REQUIRE(created_ref.ok());
  const auto& dense = created.value();
  const auto& ref = created_ref.value();
  std::vector<float> expected(residual.size()), got(residual.size());
  ref->run(a.data(), residual.data(), expected.data(), nullptr);
  const size_t bytes = dense->scratch_bytes();
  std::unique_ptr<void, decltype(&std::free)> scratch(std::aligned_alloc(64, (bytes + 63) / 64 * 64 + 64), std::free);
  dense->run(a.data(), residual.data(), got.data(), scratch.get());
  CHECK(max_relative_error(got, expected) <= f32_tolerance(c.k));
  // In place (residual aliases y), which the interface allows.
  if (ep.residual) {
    got = residual;
    dense->run(a.data(), got.data(), got.data(), scratch.get());
    CHECK(max_relative_error(got, expected) <= f32_tolerance(c.k));
  }
}

}  // namespace edgerun::testing
