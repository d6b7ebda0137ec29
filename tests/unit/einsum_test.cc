#include <doctest/doctest.h>

#include <cmath>
#include <map>
#include <random>
#include <string>

#include "tests/unit/tensor_op_tester.h"

namespace edgerun::testing {
namespace {

// Independent oracle: an equation written out in full ("bij,bjk->bik": letters only, explicit output),
// evaluated by brute force over every assignment of the labels. A dim of size 1 reads index 0
// (broadcast).
template <typename T>
std::vector<T> brute_einsum(const std::string& eq, const std::vector<Tensor>& ins, Shape* out_shape) {
  const size_t arrow = eq.find("->");
  std::vector<std::string> terms(1);
  for (char c : eq.substr(0, arrow)) {
    if (c == ',') terms.emplace_back(); else terms.back() += c;
  }
  const std::string out = eq.substr(arrow + 2);
  std::map<char, int64_t> size;
  for (size_t k = 0; k < terms.size(); ++k) {
    for (size_t d = 0; d < terms[k].size(); ++d) size[terms[k][d]] = std::max(size[terms[k][d]], ins[k].dim(static_cast<int64_t>(d)));
  }
  out_shape->clear();
  for (char c : out) out_shape->push_back(size[c]);
  std::vector<T> y(static_cast<size_t>(num_elements(*out_shape)), T(0));
  std::vector<char> labels;
  Shape label_dims;
  for (const auto& [c, n] : size) {
    labels.push_back(c);
    label_dims.push_back(n);
  }
  std::map<char, int64_t> at;
  for (int64_t i = 0; i < num_elements(label_dims); ++i) {
    const std::vector<int64_t> idx = unravel(i, label_dims);
    for (size_t l = 0; l < labels.size(); ++l) at[labels[l]] = idx[l];
    T prod = T(1);
    for (size_t k = 0; k < terms.size(); ++k) {
      std::vector<int64_t> pos;
      for (size_t d = 0; d < terms[k].size(); ++d) pos.push_back(ins[k].dim(static_cast<int64_t>(d)) == 1 ? 0 : at[terms[k][d]]);
      prod = static_cast<T>(prod * ins[k].data<T>()[ravel(pos, ins[k].shape())]);
    }
    std::vector<int64_t> opos;
    for (char c : out) opos.push_back(at[c]);
    y[static_cast<size_t>(ravel(opos, *out_shape))] += prod;
  }
  return y;
}

template <typename T>
Tensor random_tensor(const Shape& shape, uint32_t seed) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<double> dist(-5.0, 5.0);
  std::vector<T> v(static_cast<size_t>(num_elements(shape)));
  for (T& x : v) x = static_cast<T>(std::is_integral_v<T> ? std::round(dist(gen)) : dist(gen) / 5.0);
  return Tensor::from_vector<T>(shape, v);
}

struct Case {
  const char* equation;  // as a model writes it
  const char* expanded;  // the same contraction with ellipsis and implicit output written out
  std::vector<Shape> shapes;
};

const Case kCases[] = {
    {"bij, bjk -> bik", "bij,bjk->bik", {{3, 2, 4}, {3, 4, 5}}},
    {"B G H I D, B G H J D -> B G H I J", "BGHID,BGHJD->BGHIJ", {{1, 3, 2, 5, 4}, {1, 3, 2, 6, 4}}},
    {"B G H I J, B G H J D -> B G H I D", "BGHIJ,BGHJD->BGHID", {{1, 3, 2, 5, 6}, {1, 3, 2, 6, 4}}},
    {"ij,jk", "ij,jk->ik", {{3, 4}, {4, 2}}},
    {"bA,Cb", "bA,Cb->AC", {{2, 3}, {4, 2}}},  // implicit output in ASCII order: uppercase first
    {"ii", "ii->", {{4, 4}}},
    {"...ii ->...i", "xii->xi", {{3, 5, 5}}},
    {"...i,...i", "xi,wxi->wx", {{2, 3}, {5, 1, 3}}},  // ellipsis dims broadcast, right-aligned
    {"i,i", "i,i->", {{7}, {7}}},
    {"ij->i", "ij->i", {{3, 4}}},
    {"ij->ji", "ij->ji", {{3, 4}}},
    {"ij,jk,kl->il", "ij,jk,kl->il", {{2, 3}, {3, 4}, {4, 5}}},
    {"abcd,cdbe->ae", "abcd,cdbe->ae", {{2, 3, 4, 5}, {4, 5, 3, 6}}},
    {"bii,bi->bi", "bii,bi->bi", {{2, 3, 3}, {2, 3}}},
    {"ij,jk->ik", "ij,jk->ik", {{2, 0}, {0, 3}}},  // empty sum: zeros
    {",ij->ij", ",ij->ij", {{}, {2, 3}}},          // a scalar operand
};

template <typename T>
void check_cases() {
  for (const Case& c : kCases) {
    const std::string equation = c.equation;
    CAPTURE(equation);
    OpTester t("Einsum", 12);
    t.attr("equation", std::string(c.equation));
    std::vector<Tensor> ins;
    for (size_t k = 0; k < c.shapes.size(); ++k) {
      ins.push_back(random_tensor<T>(c.shapes[k], static_cast<uint32_t>(17 + k)));
      t.input(ins.back());
    }
    REQUIRE(t.run().ok());
    Shape want_shape;
    const std::vector<T> want = brute_einsum<T>(c.expanded, ins, &want_shape);
    CHECK(t.output().shape() == want_shape);
    const std::vector<T> got = t.values<T>();
    REQUIRE(got.size() == want.size());
    for (size_t i = 0; i < got.size(); ++i) {
      if constexpr (std::is_integral_v<T>) {
        CHECK(got[i] == want[i]);
      } else {
        CHECK(static_cast<double>(got[i]) == doctest::Approx(static_cast<double>(want[i])).epsilon(1e-5));
      }
    }
  }
}

TEST_CASE("Einsum matches a brute-force sum over labels: ellipsis, diagonals, implicit output, MaxViT's equations") {
  check_cases<float>();
  check_cases<double>();
  check_cases<int32_t>();
  check_cases<int64_t>();
}

TEST_CASE("Einsum of a long contraction is the same at any thread count") {
  // Large enough to take the kernel's parallel path.
  const Tensor a = random_tensor<float>({4, 8, 33, 64}, 3);
  const Tensor b = random_tensor<float>({4, 8, 65, 64}, 4);
  OpTester t("Einsum", 12);
  t.attr("equation", std::string("bhid,bhjd->bhij")).input(a).input(b);
  REQUIRE(t.run().ok());
  Shape s;
  const std::vector<float> want = brute_einsum<float>("bhid,bhjd->bhij", {a, b}, &s);
  const std::vector<float> got = t.values<float>();
  REQUIRE(got.size() == want.size());
  for (size_t i = 0; i < got.size(); ++i) CHECK(got[i] == doctest::Approx(want[i]).epsilon(1e-5));
}

TEST_CASE("Einsum rejects malformed equations and operands") {
  struct Bad {
    const char* equation;
    std::vector<Shape> shapes;
  };
  const Bad bad[] = {
      {"ij,jk->ik", {{2, 3}}},
      {"ij->ik", {{2, 3}}},
      {"ij->ii", {{2, 3}}},
      {"i2->i", {{2, 3}}},
      {"i.j->i", {{2, 3}}},
      {"......->", {{2, 3}}},
      {"ijk->i", {{2, 3}}},
      {"ij,jk->ik", {{2, 3}, {4, 5}}},
      {"ii->i", {{2, 3}}},
  };
  for (const Bad& b : bad) {
    const std::string equation = b.equation;
    CAPTURE(equation);
    OpTester t("Einsum", 12);
    t.attr("equation", std::string(b.equation));
    for (const Shape& s : b.shapes) t.input(random_tensor<float>(s, 1));
    const Status st = t.infer();
    REQUIRE_FALSE(st.ok());
    CHECK(st.message().find("node 'n' (Einsum)") != std::string::npos);
  }
  OpTester no_equation("Einsum", 12);
  no_equation.input(random_tensor<float>({2}, 1));
  CHECK_FALSE(no_equation.infer().ok());
  OpTester mixed("Einsum", 12);
  mixed.attr("equation", std::string("i,i")).input(random_tensor<float>({2}, 1)).input(random_tensor<double>({2}, 1));
  CHECK_FALSE(mixed.infer().ok());
}

}  // namespace
}  // namespace edgerun::testing
