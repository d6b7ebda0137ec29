// End-to-end: reduced-size models of every study family, exported by PyTorch, run through edgerun and
// compared with PyTorch's own outputs (tests/data/e2e, made by models/tools/make_e2e_fixtures.py).
// Tolerances per output come from MANIFEST.txt: 10x PyTorch's own float32-vs-float64 error there.
#include <doctest/doctest.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "engine/session.h"
#include "kernels/cpu_features.h"
#include "tests/support/tensor_compare.h"
#include "tools/common/npy.h"

namespace fs = std::filesystem;

namespace edgerun {
namespace {

const fs::path kFixtures = fs::path(EDGERUN_TEST_DATA_DIR) / "e2e";

// MANIFEST.txt: "[model]" sections of "key: value" lines; "tolerance_<i>: atol=A rtol=R".
std::map<std::string, std::map<std::string, std::string>> read_manifest() {
  std::map<std::string, std::map<std::string, std::string>> sections;
  std::ifstream in(kFixtures / "MANIFEST.txt");
  std::string line, current;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    if (line[0] == '[') {
      current = line.substr(1, line.find(']') - 1);
      continue;
    }
    const size_t colon = line.find(':');
    if (colon != std::string::npos && !current.empty()) {
      sections[current][line.substr(0, colon)] = line.substr(colon + 1);
    }
  }
  return sections;
}

testing::Tolerance parse_tolerance(const std::string& spec) {
  testing::Tolerance tol;
  std::istringstream ss(spec);
  std::string item;
  while (ss >> item) {
    if (item.rfind("atol=", 0) == 0) tol.atol = std::stod(item.substr(5));
    if (item.rfind("rtol=", 0) == 0) tol.rtol = std::stod(item.substr(5));
  }
  return tol;
}

void check_model(const std::string& name, const std::map<std::string, std::string>& info,
                 const SessionOptions& options) {
  const fs::path dir = kFixtures / name;
  const int threads = options.threads;
  auto session = Session::load_file((dir / "model.onnx").string(), options);
  REQUIRE_MESSAGE(session.ok(), session.status().to_string());
  const Graph& g = session.value()->graph();
  std::vector<NamedTensor> inputs;
  for (size_t i = 0; i < g.inputs.size(); ++i) {
    auto t = read_npy((dir / ("input_" + std::to_string(i) + ".npy")).string());
    REQUIRE_MESSAGE(t.ok(), t.status().to_string());
    inputs.push_back({g.value(g.inputs[i]).name, t.value()});
  }
  std::vector<NamedTensor> outputs;
  Status st = session.value()->run(inputs, &outputs);
  REQUIRE_MESSAGE(st.ok(), st.to_string());
  REQUIRE(outputs.size() == g.outputs.size());
  for (size_t i = 0; i < outputs.size(); ++i) {
    auto expected = read_npy((dir / ("output_" + std::to_string(i) + ".npy")).string());
    REQUIRE_MESSAGE(expected.ok(), expected.status().to_string());
    auto tol_it = info.find("tolerance_" + std::to_string(i));
    REQUIRE_MESSAGE(tol_it != info.end(), "MANIFEST.txt gives no tolerance for output " << i);
    const testing::Tolerance tol = parse_tolerance(tol_it->second);
    const std::string diff = testing::compare_tensors(outputs[i].tensor, expected.value(), tol);
    CHECK_MESSAGE(diff.empty(), name << " output " << i << ": " << diff);
    std::printf("e2e %-20s output %zu %-16s max_abs_err %.3g (atol %.1g rtol %.1g) threads %d\n", name.c_str(), i,
                shape_to_string(outputs[i].tensor.shape()).c_str(),
                testing::max_abs_error(outputs[i].tensor, expected.value()), tol.atol, tol.rtol, threads);
  }
}

TEST_CASE("PyTorch-exported study models match PyTorch's outputs") {
  const auto manifest = read_manifest();
  REQUIRE_MESSAGE(manifest.size() >= 9, "expected at least 9 fixtures in " << kFixtures.string());
  for (const auto& [name, info] : manifest) {
    SUBCASE(name.c_str()) { check_model(name, info, SessionOptions{}); }
  }
}

// Every kernel set this machine can run: each ISA cap of the native kernels, and each backend built.
TEST_CASE("every ISA cap and every backend matches PyTorch") {
  const auto manifest = read_manifest();
  struct RestoreCap {  // also when a REQUIRE throws out of a subcase
    kernels::Isa saved = kernels::active_isa();
    ~RestoreCap() { kernels::set_isa_cap(saved); }
  } restore;
  for (kernels::Isa isa : {kernels::Isa::kRef, kernels::Isa::kAvx2, kernels::Isa::kAvx512}) {
    if (!(isa <= kernels::cpu_features().best)) {
      MESSAGE("skipped ISA " << kernels::isa_name(isa) << ": this CPU lacks it");
      continue;
    }
    kernels::set_isa_cap(isa);
    for (const auto& [name, info] : manifest) {
      SUBCASE((std::string(kernels::isa_name(isa)) + "/" + name).c_str()) { check_model(name, info, SessionOptions{}); }
    }
  }
  kernels::set_isa_cap(restore.saved);
  for (kernels::Backend backend : {kernels::Backend::kOneDnn, kernels::Backend::kXnnpack}) {
    if (!kernels::backend_built(backend)) {
      MESSAGE("skipped backend " << kernels::backend_name(backend) << ": not in this build");
      continue;
    }
    SessionOptions options;
    options.backend = backend;
    for (const auto& [name, info] : manifest) {
      SUBCASE((std::string(kernels::backend_name(backend)) + "/" + name).c_str()) { check_model(name, info, options); }
    }
  }
}

TEST_CASE("two threads also match PyTorch") {
  const auto manifest = read_manifest();
  for (const char* name : {"resnext", "bert"}) {
    SessionOptions two;
    two.threads = 2;
    SUBCASE(name) { check_model(name, manifest.at(name), two); }
  }
}

TEST_CASE("results are bit-identical from run to run at a fixed thread count") {
  for (const char* name : {"resnext", "fcn", "roberta"}) {
    SUBCASE(name) {
      const fs::path dir = kFixtures / name;
      SessionOptions options;
      options.threads = 2;
      auto session = Session::load_file((dir / "model.onnx").string(), options);
      REQUIRE(session.ok());
      const Graph& g = session.value()->graph();
      std::vector<NamedTensor> inputs;
      for (size_t i = 0; i < g.inputs.size(); ++i) {
        inputs.push_back({g.value(g.inputs[i]).name, read_npy((dir / ("input_" + std::to_string(i) + ".npy")).string()).value()});
      }
      std::vector<NamedTensor> first, second;
      REQUIRE(session.value()->run(inputs, &first).ok());
      REQUIRE(session.value()->run(inputs, &second).ok());
      for (size_t i = 0; i < first.size(); ++i) {
        CHECK(std::memcmp(first[i].tensor.raw_data(), second[i].tensor.raw_data(), first[i].tensor.byte_size()) == 0);
      }
    }
  }
}

TEST_CASE("a model loaded from bytes runs like one loaded from its file") {
  const fs::path dir = kFixtures / "mobilenet_small";
  std::ifstream in(dir / "model.onnx", std::ios::binary);
  const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto from_bytes = Session::load_bytes(bytes.data(), bytes.size());
  auto from_file = Session::load_file((dir / "model.onnx").string());
  REQUIRE(from_bytes.ok());
  REQUIRE(from_file.ok());
  const std::vector<NamedTensor> inputs{{from_file.value()->graph().value(from_file.value()->graph().inputs[0]).name,
                                         read_npy((dir / "input_0.npy").string()).value()}};
  std::vector<NamedTensor> a, b;
  REQUIRE(from_bytes.value()->run(inputs, &a).ok());
  REQUIRE(from_file.value()->run(inputs, &b).ok());
  CHECK(std::memcmp(a[0].tensor.raw_data(), b[0].tensor.raw_data(), a[0].tensor.byte_size()) == 0);
  CHECK(from_file.value()->arena_bytes() > 0);
}

}  // namespace
}  // namespace edgerun
