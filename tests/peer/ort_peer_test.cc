// bench_engine's ONNX Runtime peer (tools/bench_engine/ort_peer.h) on ResNet-50 at 32x32 (seconds):
// the samples asked for, ORT's outputs against edgerun's on the same input (FP32 and SPTQ's QDQ graph),
// the tier's limits on the child, and clear errors. Exits 77 (CTest: skipped) when node or
// onnxruntime-node is missing, so a machine without them does not pass a test it never ran.
#define DOCTEST_CONFIG_IMPLEMENT
#include "tools/bench_engine/ort_peer.h"

#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>

#include "models/zoo/zoo.h"
#include "tools/common/model_inputs.h"
#include "tools/deployment/deployment_operator.h"

namespace edgerun {
namespace {

std::string g_skipped;  // why ORT could not run (kNotFound), once seen

Graph small_resnet50() {
  zoo::BuildOptions options;
  options.image_size = 32;
  return zoo::build_zoo_model("resnet50", options).value();
}

struct Peer {
  std::unique_ptr<Session> session;
  OrtPeerRequest request;
};

// A session of `graph` and a request for it with two seeded input sets.
Peer make_peer(Graph graph) {
  Peer p;
  p.session = std::move(Session::from_graph(std::move(graph)).value());
  p.request.graph = &p.session->graph();
  p.request.input_sets = {make_random_inputs(*p.session, 1).value(), make_random_inputs(*p.session, 2).value()};
  p.request.warmup = 1;
  p.request.repeats = 3;
  return p;
}

// Runs the peer; false (and the reason kept) when ORT is not installed.
bool run(const OrtPeerRequest& request, OrtPeerResult* result) {
  auto r = run_ort_peer(request);
  if (r.status().code() == StatusCode::kNotFound) {
    g_skipped = r.status().message();
    return false;
  }
  REQUIRE_MESSAGE(r.ok(), r.status().to_string());
  *result = std::move(r.value());
  return true;
}

// ORT's outputs of input set 0 against edgerun's: `rel_l2` bounds ||ort - edgerun|| / ||edgerun||.
void check_outputs(Peer& p, const OrtPeerResult& result, double rel_l2) {
  std::vector<NamedTensor> ours;
  REQUIRE(p.session->run(p.request.input_sets[0], &ours).ok());
  REQUIRE(result.outputs.size() == ours.size());
  for (size_t i = 0; i < ours.size(); ++i) {
    CHECK(result.outputs[i].name == ours[i].name);
    const Tensor& a = result.outputs[i].tensor;
    const Tensor& b = ours[i].tensor;
    REQUIRE(a.shape() == b.shape());
    REQUIRE(a.dtype() == b.dtype());
    double diff2 = 0, ref2 = 0;
    for (int64_t k = 0; k < b.num_elements(); ++k) {
      const double d = a.as_double(k) - b.as_double(k);
      diff2 += d * d;
      ref2 += b.as_double(k) * b.as_double(k);
    }
    CHECK(ref2 > 0);
    MESSAGE(ours[i].name << ": ORT vs edgerun rel. L2 " << std::sqrt(diff2 / ref2));
    CHECK(std::sqrt(diff2 / ref2) <= rel_l2);
  }
}

void check_samples(const OrtPeerResult& result, int repeats) {
  REQUIRE(result.ms.size() == static_cast<size_t>(repeats));
  for (double ms : result.ms) CHECK(ms > 0);
}

TEST_CASE("ORT peer: FP32 ResNet-50 under edge's limits, the samples asked for, edgerun's outputs") {
  Peer p = make_peer(small_resnet50());
  OrtPeerResult result;
  if (!run(p.request, &result)) return;
  check_samples(result, p.request.repeats);
  CHECK(result.description.find("ONNX Runtime ") == 0);
  CHECK(result.description.find("1 intra-op thread, under edge's limits (1 CPU, 16 GiB)") != std::string::npos);
  CHECK(result.limits.find("cpu: ") == 0);  // limit_this_process's report, from the child
  MESSAGE(result.description << "\n" << result.limits);
  check_outputs(p, result, 1e-4);
}

TEST_CASE("ORT peer: SPTQ's QDQ graph (before lowering) on mobile, close to edgerun's INT8 run") {
  Peer p = make_peer(quantize_for_latency(small_resnet50(), OperatorOptions{}).value().graph);
  size_t qdq = 0;
  for (const Node& n : p.session->graph().nodes)
    qdq += n.op_type == "QuantizeLinear" || n.op_type == "DequantizeLinear";
  REQUIRE(qdq > 0);  // ORT gets the QDQ pattern, not edgerun's lowered INT8 ops
  p.request.tier = "mobile";
  p.request.repeats = 2;
  OrtPeerResult result;
  if (!run(p.request, &result)) return;
  check_samples(result, 2);
  CHECK(result.description.find("under mobile's limits (0.5 CPU, 4 GiB)") != std::string::npos);
  // Both run the same quantized arithmetic; float rounding moves a few values across a step.
  check_outputs(p, result, 0.01);
}

TEST_CASE("ORT peer: the duty-cycle limiter (where no cpu cgroup is writable) holds the child too") {
  Peer p = make_peer(small_resnet50());
  p.request.tier = "mobile";
  p.request.limit = LimitMethod::kDutyCycle;
  p.request.repeats = 2;
  OrtPeerResult result;
  if (!run(p.request, &result)) return;
  check_samples(result, 2);
  CHECK(result.limits.find("cpu: duty cycle") == 0);  // the watchdog was forked by the child, before node
}

TEST_CASE("ORT peer: a model ONNX Runtime cannot load is a clear error") {
  Graph g = small_resnet50();
  g.opsets[""] = 1000;  // no ONNX Runtime implements opset 1000
  Peer p = make_peer(std::move(g));
  auto r = run_ort_peer(p.request);
  if (r.status().code() == StatusCode::kNotFound) {
    g_skipped = r.status().message();
    return;
  }
  REQUIRE_FALSE(r.ok());
  MESSAGE(r.status().to_string());
  CHECK(r.status().code() == StatusCode::kInternal);
  CHECK(r.status().message().find("ONNX Runtime failed") == 0);
  CHECK(r.status().message().find("1000") != std::string::npos);  // ORT's own words name the opset
}

TEST_CASE("ORT peer: bad requests are refused before anything runs") {
  Peer p = make_peer(small_resnet50());
  OrtPeerRequest r = p.request;
  r.tier = "moon";
  CHECK(run_ort_peer(r).status().code() == StatusCode::kInvalidArgument);
  r = p.request;
  r.repeats = 0;
  CHECK(run_ort_peer(r).status().code() == StatusCode::kInvalidArgument);
  r = p.request;
  r.input_sets.clear();
  CHECK(run_ort_peer(r).status().code() == StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace edgerun

int main(int argc, char** argv) {
  doctest::Context context(argc, argv);
  const int failed = context.run();
  if (failed || context.shouldExit() || edgerun::g_skipped.empty()) return failed;
  std::printf("SKIPPED: %s\n", edgerun::g_skipped.c_str());
  return 77;
}
