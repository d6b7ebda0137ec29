// The C API (engine/edgerun.h) on .edgr models of the zoo: a run in a caller's arena allocates
// nothing (counted by the allocation hook) and gives the C++ Session's outputs bit for bit; bad calls
// get a status and a message naming the problem.
#include <doctest/doctest.h>

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "engine/edgerun.h"
#include "engine/plan.h"
#include "graph/format/edgr_writer.h"
#include "operators/early_exit/exit_heads.h"
#include "operators/sptq/calibration_data.h"
#include "operators/sptq/sptq.h"
#include "tests/c_api/allocation_hook.h"
#include "tests/support/tiny_multi_exit.h"
#include "tests/support/zoo_graph.h"

namespace edgerun {
namespace {

struct Case {
  std::string name;
  Graph graph;
  // Every op of the model runs without allocating (prepared kernels, allocation-free run functions):
  // asserted for every model here; a model added before its ops are has the count printed instead.
  bool allocation_free = true;
};

std::vector<NamedTensor> seeded_inputs(const Graph& g) {
  sptq::CalibrationRequest request;
  request.samples = 1;
  auto samples = sptq::calibration_samples(g, request);
  REQUIRE_MESSAGE(samples.ok(), samples.status().to_string());
  return samples->front();
}

Graph quantized(const Graph& fp32) {
  auto q = sptq::quantize(fp32, {seeded_inputs(fp32)}, {});
  REQUIRE_MESSAGE(q.ok(), q.status().to_string());
  return std::move(q->graph);
}

// The .edgr bytes of a model compiled by a Session for its declared input shapes, and that Session's
// outputs for `inputs`: the reference the C API must reproduce.
struct Compiled {
  std::vector<uint8_t> edgr;
  std::vector<NamedTensor> outputs;
};

Compiled compile(const Graph& g, const std::vector<NamedTensor>& inputs) {
  auto session = Session::from_graph(g);
  REQUIRE(session.ok());
  Compiled c;
  const Status st = (*session)->run(inputs, &c.outputs);
  REQUIRE_MESSAGE(st.ok(), st.to_string());
  auto bytes = write_edgr((*session)->plan()->graph());
  REQUIRE_MESSAGE(bytes.ok(), bytes.status().to_string());
  c.edgr = std::move(bytes).value();
  return c;
}

// A 64-byte aligned buffer of `bytes` (plus room to shift it).
struct Arena {
  explicit Arena(size_t bytes) : storage(bytes + 128) {}
  void* at(size_t shift) {
    auto base = reinterpret_cast<uintptr_t>(storage.data());
    return reinterpret_cast<void*>((base + 63) / 64 * 64 + shift);
  }
  std::vector<uint8_t> storage;
};

struct LoadedModel {
  edgerun_model* model = nullptr;
  ~LoadedModel() { edgerun_model_free(model); }
};

edgerun_op_resolver all_ops() {
  edgerun_op_resolver ops{};
  edgerun_op_resolver_add_all(&ops);
  return ops;
}

TEST_CASE("C API: a run in the caller's arena allocates nothing and matches the Session") {
  std::vector<Case> cases;
  cases.push_back({"resnet50 fp32", testing::zoo_model("resnet50", 64, 0)});
  cases.push_back({"resnet50 int8", quantized(cases.back().graph)});
  cases.push_back({"bert-student fp32", testing::zoo_model("bert-student", 0, 16)});
  cases.push_back({"bert-student int8", quantized(cases.back().graph)});
  for (const Case& c : cases) {
    CAPTURE(c.name);
    const std::vector<NamedTensor> inputs = seeded_inputs(c.graph);
    const Compiled compiled = compile(c.graph, inputs);
    const edgerun_op_resolver ops = all_ops();
    LoadedModel loaded;
    char error[512] = "";
    REQUIRE_MESSAGE(edgerun_model_load(compiled.edgr.data(), compiled.edgr.size(), &ops, &loaded.model, error,
                                       sizeof error) == EDGERUN_OK,
                    error);
    edgerun_model* model = loaded.model;
    REQUIRE(edgerun_model_num_inputs(model) == inputs.size());
    REQUIRE(edgerun_model_num_outputs(model) == compiled.outputs.size());
    std::vector<const void*> input_data(inputs.size());
    for (size_t i = 0; i < inputs.size(); ++i) {
      edgerun_tensor_info info;
      REQUIRE(edgerun_model_input_info(model, i, &info) == EDGERUN_OK);
      const NamedTensor* given = nullptr;
      for (const NamedTensor& in : inputs) given = in.name == info.name ? &in : given;
      REQUIRE(given != nullptr);
      CHECK(info.byte_size == given->tensor.byte_size());
      CHECK(info.dtype == static_cast<int32_t>(given->tensor.dtype()));
      input_data[i] = given->tensor.raw_data();
    }
    std::vector<std::vector<uint8_t>> output_bytes;
    std::vector<void*> output_data;
    for (size_t o = 0; o < compiled.outputs.size(); ++o) {
      edgerun_tensor_info info;
      REQUIRE(edgerun_model_output_info(model, o, &info) == EDGERUN_OK);
      CHECK(std::string(info.name) == compiled.outputs[o].name);
      REQUIRE(info.byte_size == compiled.outputs[o].tensor.byte_size());
      output_bytes.emplace_back(info.byte_size);
    }
    for (auto& bytes : output_bytes) output_data.push_back(bytes.data());

    const size_t arena_size = edgerun_model_arena_size(model);
    CHECK(arena_size % EDGERUN_ARENA_ALIGNMENT == 0);
    Arena arena(arena_size + 64);
    // Two arena positions: the plan rebinds its activations when the arena moves.
    for (size_t shift : {size_t{0}, size_t{64}, size_t{0}}) {
      CAPTURE(shift);
      std::memset(arena.at(0), 0xA5, arena_size + 64);  // stale contents must not matter
      for (auto& bytes : output_bytes) std::fill(bytes.begin(), bytes.end(), 0);
      edgerun_status status;
      size_t allocations;
      {
        testing::AllocationCounter counter;
        status = edgerun_model_run(model, arena.at(shift), arena_size, input_data.data(), output_data.data());
        allocations = counter.count();
      }
      REQUIRE_MESSAGE(status == EDGERUN_OK, edgerun_model_error(model));
      if (c.allocation_free) {
        CHECK(allocations == 0);
      } else {
        MESSAGE(c.name << ": " << allocations << " heap allocations per run");
      }
      for (size_t o = 0; o < compiled.outputs.size(); ++o) {
        CHECK(std::memcmp(output_bytes[o].data(), compiled.outputs[o].tensor.raw_data(), output_bytes[o].size()) == 0);
      }
    }
  }
}

TEST_CASE("C API: an early exit ends the run in the arena as in the Session") {
  const Graph armed =
      early_exit::arm_exits(testing::tiny_multi_exit(), {0.9f, 0.9f}, early_exit::ExitRule::kMaxProb).value();
  // softmax([10, 0, 0]) is confident at exit 0; [0.1, 0, 0] at no exit before the final output.
  for (const std::vector<float>& x : {std::vector<float>{10, 0, 0}, std::vector<float>{0.1f, 0, 0}}) {
    CAPTURE(x[0]);
    const std::vector<NamedTensor> inputs = {{"x", Tensor::from_vector<float>({1, 3}, x)}};
    auto session = Session::from_graph(armed);
    REQUIRE(session.ok());
    std::vector<NamedTensor> expected;
    REQUIRE((*session)->run(inputs, &expected).ok());
    CHECK((*session)->last_run().stopped_at_exit == (x[0] > 1 ? 0 : -1));
    const std::vector<uint8_t> edgr = write_edgr((*session)->plan()->graph()).value();
    const edgerun_op_resolver ops = all_ops();
    LoadedModel loaded;
    char error[512] = "";
    REQUIRE_MESSAGE(edgerun_model_load(edgr.data(), edgr.size(), &ops, &loaded.model, error, sizeof error) ==
                        EDGERUN_OK,
                    error);
    const size_t arena_size = edgerun_model_arena_size(loaded.model);
    Arena arena(arena_size);
    std::vector<float> out(3);
    int64_t exit_index = -2;
    const void* in[] = {inputs[0].tensor.raw_data()};
    void* outs[] = {out.data(), &exit_index};
    size_t allocations;
    {
      testing::AllocationCounter counter;
      REQUIRE(edgerun_model_run(loaded.model, arena.at(0), arena_size, in, outs) == EDGERUN_OK);
      allocations = counter.count();
    }
    CHECK(allocations == 0);
    CHECK(edgerun_model_last_exit(loaded.model) == (*session)->last_run().stopped_at_exit);
    CHECK(std::memcmp(out.data(), expected[0].tensor.raw_data(), 3 * sizeof(float)) == 0);
    CHECK(exit_index == expected[1].tensor.data<int64_t>()[0]);
  }
}

TEST_CASE("C API: bad calls get a status and a message") {
  const Graph g = testing::zoo_model("resnet50", 32, 0);
  const std::vector<NamedTensor> inputs = seeded_inputs(g);
  const Compiled compiled = compile(g, inputs);
  char error[512] = "";

  SUBCASE("an op the resolver lacks is named at load") {
    edgerun_op_resolver ops{};
    edgerun_op_resolver_add_Conv(&ops);
    edgerun_model* model = reinterpret_cast<edgerun_model*>(&ops);  // must be reset to null
    CHECK(edgerun_model_load(compiled.edgr.data(), compiled.edgr.size(), &ops, &model, error, sizeof error) ==
          EDGERUN_UNSUPPORTED);
    CHECK(model == nullptr);
    CHECK(std::string(error).find("(MaxPool): unknown op, or not registered in the op resolver") != std::string::npos);
  }
  SUBCASE("exactly the model's ops suffice") {
    edgerun_op_resolver ops{};
    edgerun_op_resolver_add_Conv(&ops);
    edgerun_op_resolver_add_MaxPool(&ops);
    edgerun_op_resolver_add_GlobalAveragePool(&ops);
    edgerun_op_resolver_add_Flatten(&ops);
    edgerun_op_resolver_add_Gemm(&ops);
    edgerun_op_resolver_add_Identity(&ops);
    LoadedModel loaded;
    CHECK_MESSAGE(edgerun_model_load(compiled.edgr.data(), compiled.edgr.size(), &ops, &loaded.model, error,
                                     sizeof error) == EDGERUN_OK,
                  error);
  }
  SUBCASE("arena and argument errors") {
    const edgerun_op_resolver ops = all_ops();
    LoadedModel loaded;
    REQUIRE(edgerun_model_load(compiled.edgr.data(), compiled.edgr.size(), &ops, &loaded.model, error, sizeof error) ==
            EDGERUN_OK);
    edgerun_model* model = loaded.model;
    const size_t arena_size = edgerun_model_arena_size(model);
    Arena arena(arena_size);
    std::vector<float> logits(1000);
    const void* in[] = {inputs[0].tensor.raw_data()};
    void* out[] = {logits.data()};
    CHECK(edgerun_model_run(model, arena.at(0), arena_size - 64, in, out) == EDGERUN_OUT_OF_RANGE);
    CHECK(std::string(edgerun_model_error(model)).find("the model needs " + std::to_string(arena_size)) !=
          std::string::npos);
    CHECK(edgerun_model_run(model, static_cast<uint8_t*>(arena.at(0)) + 8, arena_size, in, out) ==
          EDGERUN_INVALID_ARGUMENT);
    CHECK(std::string(edgerun_model_error(model)).find("64-byte aligned") != std::string::npos);
    const void* null_in[] = {nullptr};
    CHECK(edgerun_model_run(model, arena.at(0), arena_size, null_in, out) == EDGERUN_INVALID_ARGUMENT);
    CHECK(edgerun_model_run(model, arena.at(0), arena_size, in, out) == EDGERUN_OK);
    CHECK(std::string(edgerun_model_error(model)).empty());
    edgerun_tensor_info info;
    CHECK(edgerun_model_input_info(model, 1, &info) == EDGERUN_INVALID_ARGUMENT);
    CHECK(edgerun_model_output_info(nullptr, 0, &info) == EDGERUN_INVALID_ARGUMENT);
  }
  SUBCASE("null model bytes or resolver") {
    edgerun_model* model = nullptr;
    const edgerun_op_resolver ops = all_ops();
    CHECK(edgerun_model_load(nullptr, 10, &ops, &model, error, sizeof error) == EDGERUN_INVALID_ARGUMENT);
    CHECK(edgerun_model_load(compiled.edgr.data(), compiled.edgr.size(), nullptr, &model, error, sizeof error) ==
          EDGERUN_INVALID_ARGUMENT);
    CHECK(model == nullptr);
  }
}

}  // namespace
}  // namespace edgerun
