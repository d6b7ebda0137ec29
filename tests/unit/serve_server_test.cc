// The tier server in-process: real HTTP on 127.0.0.1, a small hand-built graph, results compared
// exactly with Session::run.
#include <doctest/doctest.h>

#include <httplib.h>

#include <cstring>
#include <random>
#include <thread>

#include "engine/plan.h"
#include "models/zoo/graph_builder.h"
#include "tests/support/fault_proxy.h"
#include "tests/support/tiny_multi_exit.h"
#include "tools/serve/tier_client.h"
#include "tools/serve/tier_server.h"

namespace edgerun::serve {
namespace {

using nlohmann::json;

// Short socket timeouts: a regression fails fast instead of hanging the suite.
const ClientTimeouts kTestTimeouts{2, 5};

// y = Softmax(Tanh(x @ W)) + Sigmoid(x): a few steps, with a graph input read again after the first.
Graph tiny_graph() {
  zoo::GraphBuilder b("tiny", 3);
  const ValueId x = b.input("x", DType::kF32, {1, 8});
  const ValueId m = b.op("MatMul", "m", {x, b.uniform("W", {8, 8}, -1, 1)});
  const ValueId s = b.op("Softmax", "s", {b.op("Tanh", "t", {m})});
  b.output(b.op("Add", "add", {s, b.op("Sigmoid", "sig", {x})}), "y");
  return b.finish().value();
}

Tensor input_tensor(uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-2, 2);
  std::vector<float> v(8);
  for (float& f : v) f = u(rng);
  return Tensor::from_vector<float>({1, 8}, v);
}

std::vector<NamedTensor> reference_run(const std::vector<NamedTensor>& inputs) {
  auto session = Session::from_graph(tiny_graph());
  REQUIRE(session.ok());
  std::vector<NamedTensor> out;
  REQUIRE(session.value()->run(inputs, &out).ok());
  return out;
}

void check_equal(const std::vector<NamedTensor>& got, const std::vector<NamedTensor>& want) {
  REQUIRE(got.size() == want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    CHECK(got[i].name == want[i].name);
    CHECK(got[i].tensor.shape() == want[i].tensor.shape());
    REQUIRE(got[i].tensor.byte_size() == want[i].tensor.byte_size());
    CHECK(std::memcmp(got[i].tensor.raw_data(), want[i].tensor.raw_data(), got[i].tensor.byte_size()) == 0);
  }
}

// A TierServer serving on a thread for the test's lifetime.
struct RunningServer {
  std::unique_ptr<TierServer> server;
  std::thread thread;
  Endpoint endpoint;

  explicit RunningServer(TierServerOptions options, const Graph& graph = tiny_graph(), double timeout_s = 5) {
    options.model_name = "tiny";
    options.timeout_s = timeout_s;
    auto session = Session::from_graph(graph);
    REQUIRE(session.ok());
    auto created = TierServer::create(std::move(session).value(), SessionOptions{}, options);
    REQUIRE(created.ok());
    server = std::move(created).value();
    auto port = server->bind();
    REQUIRE(port.ok());
    endpoint = {"127.0.0.1", port.value(), "tiny"};
    thread = std::thread([this] { CHECK(server->serve().ok()); });
  }
  ~RunningServer() { stop(); }
  void stop() {
    if (!thread.joinable()) return;
    server->stop();
    thread.join();
  }
  httplib::Client client() const {
    httplib::Client c(endpoint.host, endpoint.port);
    c.set_connection_timeout(2);
    c.set_read_timeout(5);
    return c;
  }
};

TierServerOptions tier(const std::string& name) {
  TierServerOptions o;
  o.tier = name;
  return o;
}

std::string error_of(const httplib::Result& res) {
  REQUIRE(res);
  const json j = json::parse(res->body, nullptr, false);
  REQUIRE(j.is_object());
  return j.value("error", std::string());
}

}  // namespace

TEST_CASE("serve server: health, server and model metadata") {
  RunningServer s(tier("edge"));
  auto c = s.client();
  for (const char* path : {"/v2/health/live", "/v2/health/ready", "/v2/models/tiny/ready", "/v2/models/tiny/versions/1/ready"}) {
    CAPTURE(path);
    auto res = c.Get(path);
    REQUIRE(res);
    CHECK(res->status == 200);
  }
  auto server = c.Get("/v2");
  REQUIRE(server);
  CHECK(json::parse(server->body)["extensions"][0] == "binary_tensor_data");
  auto meta = c.Get("/v2/models/tiny");
  REQUIRE(meta);
  const json m = json::parse(meta->body);
  CHECK(m["name"] == "tiny");
  CHECK(m["inputs"] == json::parse(R"([{"name":"x","datatype":"FP32","shape":[1,8]}])"));
  CHECK(m["outputs"] == json::parse(R"([{"name":"y","datatype":"FP32","shape":[1,8]}])"));
  CHECK(m["parameters"]["edgerun_steps"] == s.server->num_steps());
  CHECK(m["parameters"]["edgerun_tier"] == "edge");
  CHECK(c.Get("/v2/models/other")->status == 404);
  CHECK(error_of(c.Get("/v2/models/other/ready")).find("unknown model 'other'") != std::string::npos);
  CHECK(error_of(c.Get("/v3")).find("no such endpoint") != std::string::npos);
}

TEST_CASE("serve server: JSON and binary infer equal the local run exactly") {
  RunningServer s(tier("cloud"));
  const std::vector<NamedTensor> inputs = {{"x", input_tensor(1)}};
  const auto want = reference_run(inputs);

  // Plain JSON, as curl would send it: the answer is JSON too.
  InferRequest request;
  request.id = "q1";
  request.inputs = inputs;
  auto body = encode_infer_request(request, BinarySelection{});
  REQUIRE(body.ok());
  auto res = s.client().Post("/v2/models/tiny/infer", body.value().body, kJsonContentType);
  REQUIRE(res);
  REQUIRE_MESSAGE(res->status == 200, res->body);
  CHECK_FALSE(res->has_header(kHeaderLengthHeader));
  auto response = decode_infer_response(res->body, res->body.size(), CodecLimits{});
  REQUIRE(response.ok());
  CHECK(response.value().id == "q1");
  check_equal(response.value().outputs, want);
  const json& p = response.value().parameters;
  CHECK(p["edgerun_tier"] == "cloud");
  CHECK(p["edgerun_steps"] == json::array({0, s.server->num_steps()}));
  for (const char* key : {"edgerun_decode_ms", "edgerun_compute_ms", "edgerun_encode_ms", "edgerun_queue_ms"}) {
    CHECK(p[key].is_number());
  }

  // curl -d's default Content-Type, a body over httplib's 8 KiB form limit: still an infer request.
  const std::string padded = body.value().body + std::string(10000, ' ');
  auto form = s.client().Post("/v2/models/tiny/infer", padded, "application/x-www-form-urlencoded");
  REQUIRE(form);
  CHECK(form->status == 200);
  auto multipart = s.client().Post("/v2/models/tiny/infer", "x", "multipart/form-data; boundary=b");
  REQUIRE(multipart);
  CHECK(multipart->status == 400);

  // The client: binary both ways, with a timing breakdown and per-step times on request.
  auto result = infer(s.endpoint, inputs, {{"edgerun_profile", true}}, nullptr, kTestTimeouts);
  REQUIRE_MESSAGE(result.ok(), result.status().to_string());
  check_equal(result.value().outputs, want);
  const HopTiming& t = result.value().timing;
  CHECK(t.tier == "cloud");
  CHECK(t.request_bytes > 32);
  CHECK(t.response_bytes > 32);
  CHECK(t.step_ms.size() == s.server->num_steps());
  CHECK(t.server_ms >= t.compute_ms);
  CHECK(t.total_ms >= t.upload_ms);
  CHECK(t.next == nullptr);
}

TEST_CASE("serve server: shaped links still give exact results") {
  TierServerOptions o = tier("mobile");
  o.link = {50, 2, 1, ""};
  RunningServer s(o);
  const std::vector<NamedTensor> inputs = {{"x", input_tensor(2)}};
  LinkShaper uplink({50, 2, 1, ""}, 5);
  auto result = infer(s.endpoint, inputs, json::object(), &uplink, kTestTimeouts);
  REQUIRE_MESSAGE(result.ok(), result.status().to_string());
  check_equal(result.value().outputs, reference_run(inputs));
}

TEST_CASE("serve server: bad requests get 4xx with the reason, and the server keeps serving") {
  TierServerOptions o = tier("edge");
  o.max_request_bytes = 4096;
  RunningServer s(o);
  auto c = s.client();
  auto post = [&c](const std::string& path, const std::string& body, const httplib::Headers& headers = {}) {
    return c.Post(path.c_str(), headers, body, kJsonContentType);
  };
  const std::string infer_path = "/v2/models/tiny/infer";
  const std::string good_x = R"({"name":"x","datatype":"FP32","shape":[1,8],"data":[1,2,3,4,5,6,7,8]})";
  struct Case {
    std::string body;
    int status;
    std::string expected;
  };
  const Case cases[] = {
      {"", 400, "not valid JSON"},
      {"{\"inputs\":[{", 400, "not valid JSON"},
      {"\xff\xfe garbage", 400, "not valid JSON"},
      {R"({"inputs":[{"name":"x","datatype":"FP32","shape":[1,4],"data":[1,2,3,4]}]})", 400, "has shape [1,4]"},
      {R"({"inputs":[{"name":"x","datatype":"INT32","shape":[1,8],"data":[1,2,3,4,5,6,7,8]}]})", 400, "has type"},
      {R"({"inputs":[]})", 400, "missing input 'x'"},
      {"{\"inputs\":[" + good_x + R"(,{"name":"z","datatype":"FP32","shape":[1],"data":[1]}]})", 400, "no input named 'z'"},
      {"{\"inputs\":[" + good_x + R"(],"parameters":{"edgerun_steps":[2,1]}})", 400, "edgerun_steps"},
      {"{\"inputs\":[" + good_x + R"(],"parameters":{"edgerun_steps":"all"}})", 400, "edgerun_steps"},
      {"{\"inputs\":[" + good_x + R"(],"outputs":[{"name":"nope"}]})", 400, "requested output 'nope'"},
      {"{\"inputs\":[" + good_x + R"(],"parameters":{"edgerun_profile":"yes"}})", 400, "not a boolean"},
      {R"({"inputs":[{"name":"x","datatype":"FP32","shape":[1000000000],"data":[]}]})", 413, "over the limit"},
      {std::string(5000, ' '), 413, "over the limit of 4096 bytes"},
  };
  for (const Case& k : cases) {
    CAPTURE(k.body.substr(0, 200));
    auto res = post(infer_path, k.body);
    REQUIRE(res);
    CHECK(res->status == k.status);
    CHECK_MESSAGE(error_of(res).find(k.expected) != std::string::npos, error_of(res));
  }
  auto wrong_header = post(infer_path, "{\"inputs\":[" + good_x + "]}", {{kHeaderLengthHeader, "99999"}});
  CHECK(wrong_header->status == 400);
  CHECK(error_of(wrong_header).find("exceeds the body") != std::string::npos);
  CHECK(post("/v2/models/other/infer", "{}")->status == 404);

  // Still serving, correctly.
  const std::vector<NamedTensor> inputs = {{"x", input_tensor(3)}};
  auto result = infer(s.endpoint, inputs, json::object(), nullptr, kTestTimeouts);
  REQUIRE_MESSAGE(result.ok(), result.status().to_string());
  check_equal(result.value().outputs, reference_run(inputs));
}

TEST_CASE("serve server: a stage without a next tier answers the tensors crossing its last cut") {
  RunningServer s(tier("edge"));
  const size_t n = s.server->num_steps();
  REQUIRE(n >= 3);
  const std::vector<NamedTensor> inputs = {{"x", input_tensor(4)}};
  const auto want = reference_run(inputs);
  for (size_t cut = 0; cut <= n; ++cut) {
    CAPTURE(cut);
    auto head = infer(s.endpoint, inputs, {{"edgerun_steps", {0, cut}}}, nullptr, kTestTimeouts);
    REQUIRE_MESSAGE(head.ok(), head.status().to_string());
    auto tail = infer(s.endpoint, head.value().outputs, {{"edgerun_steps", {cut, n}}, {"edgerun_profile", true}}, nullptr, kTestTimeouts);
    REQUIRE_MESSAGE(tail.ok(), tail.status().to_string());
    CHECK(tail.value().timing.step_ms.size() == n - cut);
    check_equal(tail.value().outputs, want);
  }
}

TEST_CASE("serve server: a partitioned chain of two tiers equals the full run at every cut") {
  RunningServer edge(tier("edge"));
  TierServerOptions o = tier("mobile");
  o.next = edge.endpoint;
  o.next_link = {100, 1, 0, ""};
  RunningServer mobile(o);
  const size_t n = mobile.server->num_steps();
  const std::vector<NamedTensor> inputs = {{"x", input_tensor(5)}};
  const auto want = reference_run(inputs);
  for (size_t cut = 0; cut <= n; ++cut) {
    CAPTURE(cut);
    auto result = infer(mobile.endpoint, inputs, {{"edgerun_steps", {0, cut}}}, nullptr, kTestTimeouts);
    REQUIRE_MESSAGE(result.ok(), result.status().to_string());
    check_equal(result.value().outputs, want);
    const HopTiming& t = result.value().timing;
    CHECK(t.tier == "mobile");
    if (cut < n) {
      REQUIRE(t.next != nullptr);
      CHECK(t.next->tier == "edge");
      CHECK(t.next->request_bytes > 0);
      CHECK(t.forward_ms >= t.next->total_ms);
      CHECK(result.value().parameters["edgerun_next"]["tier"] == "edge");
    } else {
      CHECK(t.next == nullptr);
    }
  }
}

TEST_CASE("serve server: a cold request rebuilds the session inside its compute time; warm ones after it work") {
  RunningServer s(tier("edge"));
  const std::vector<NamedTensor> inputs = {{"x", input_tensor(6)}};
  const auto want = reference_run(inputs);
  auto warm = infer(s.endpoint, inputs, json::object(), nullptr, kTestTimeouts);
  REQUIRE_MESSAGE(warm.ok(), warm.status().to_string());
  CHECK_FALSE(warm.value().parameters.contains("edgerun_rebuild_ms"));
  CHECK(warm.value().timing.rebuild_ms == 0);
  for (int i = 0; i < 2; ++i) {  // cold twice, then warm: each cold request builds its own session
    CAPTURE(i);
    auto cold = infer(s.endpoint, inputs, {{"edgerun_cold", true}}, nullptr, kTestTimeouts);
    REQUIRE_MESSAGE(cold.ok(), cold.status().to_string());
    check_equal(cold.value().outputs, want);
    const HopTiming& t = cold.value().timing;
    CHECK(t.rebuild_ms > 0);
    CHECK(t.compute_ms >= t.rebuild_ms);
  }
  auto after = infer(s.endpoint, inputs, {{"edgerun_cold", false}, {"edgerun_profile", true}}, nullptr, kTestTimeouts);
  REQUIRE_MESSAGE(after.ok(), after.status().to_string());
  check_equal(after.value().outputs, want);
  CHECK(after.value().timing.rebuild_ms == 0);
  CHECK(after.value().timing.step_ms.size() == s.server->num_steps());
  auto bad = s.client().Post("/v2/models/tiny/infer", R"({"parameters": {"edgerun_cold": 1}, "inputs": []})",
                             kJsonContentType);
  REQUIRE(bad);
  CHECK(bad->status == 400);
  CHECK(error_of(bad).find("edgerun_cold is not a boolean") != std::string::npos);
}

TEST_CASE("serve server: a cold request is forwarded cold: both tiers of a chain rebuild") {
  RunningServer edge(tier("edge"));
  TierServerOptions o = tier("mobile");
  o.next = edge.endpoint;
  RunningServer mobile(o);
  const size_t cut = mobile.server->num_steps() / 2;
  REQUIRE(cut > 0);
  const std::vector<NamedTensor> inputs = {{"x", input_tensor(7)}};
  auto result = infer(mobile.endpoint, inputs, {{"edgerun_steps", {0, cut}}, {"edgerun_cold", true}}, nullptr,
                      kTestTimeouts);
  REQUIRE_MESSAGE(result.ok(), result.status().to_string());
  check_equal(result.value().outputs, reference_run(inputs));
  const HopTiming& t = result.value().timing;
  REQUIRE(t.next != nullptr);
  CHECK(t.rebuild_ms > 0);
  CHECK(t.next->rebuild_ms > 0);
  CHECK(t.next->compute_ms >= t.next->rebuild_ms);
}

TEST_CASE("serve server: an early exit before the cut answers on the first tier, ships nothing on") {
  const Graph armed =
      early_exit::arm_exits(testing::tiny_multi_exit(), {0.9f, 0.9f}, early_exit::ExitRule::kMaxProb).value();
  RunningServer edge(tier("edge"), armed);
  TierServerOptions o = tier("mobile");
  o.next = edge.endpoint;
  RunningServer mobile(o, armed);
  auto local = Session::from_graph(armed).value();
  REQUIRE(local->prepare({{"x", {1, 3}}}).ok());
  size_t cut = 0;  // exit 0 on mobile, exit 1 on edge
  while (local->plan()->step_node(cut).name != "ee1.exit") ++cut;
  auto run = [&](const std::vector<float>& x, json params) {
    const std::vector<NamedTensor> inputs = {{"x", Tensor::from_vector<float>({1, 3}, x)}};
    std::vector<NamedTensor> want;
    if (params.contains("edgerun_exit")) local->set_exit_policy({ExitPolicy::Kind::kForce, params["edgerun_exit"]});
    REQUIRE(local->run(inputs, &want).ok());
    local->set_exit_policy({});
    params["edgerun_steps"] = {0, cut};
    auto result = infer(mobile.endpoint, inputs, params, nullptr, kTestTimeouts);
    REQUIRE_MESSAGE(result.ok(), result.status().to_string());
    check_equal(result.value().outputs, want);
    return std::move(result).value();
  };
  const InferResult confident = run({10, 0, 0}, json::object());
  CHECK(confident.parameters["edgerun_exit_taken"] == 0);
  CHECK(confident.timing.next == nullptr);
  const InferResult unsure = run({0.1f, 0, 0}, json::object());
  CHECK_FALSE(unsure.parameters.contains("edgerun_exit_taken"));
  REQUIRE(unsure.timing.next != nullptr);
  const InferResult forced = run({10, 0, 0}, {{"edgerun_exit", 1}});
  REQUIRE(forced.timing.next != nullptr);
  CHECK(forced.parameters["edgerun_next"]["tier"] == "edge");
  auto bad = mobile.client().Post("/v2/models/tiny/infer",
                                  R"({"inputs":[{"name":"x","datatype":"FP32","shape":[1,3],"data":[1,2,3]}],)"
                                  R"("parameters":{"edgerun_exit":-1}})",
                                  "application/json");
  REQUIRE(bad);
  CHECK(bad->status == 400);
  CHECK(error_of(bad).find("edgerun_exit") != std::string::npos);
}

TEST_CASE("serve server: failures are errors naming the address, never hangs") {
  auto dead = std::make_unique<RunningServer>(tier("edge"));
  const Endpoint gone = dead->endpoint;
  dead.reset();  // stopped: its port refuses connections now
  const std::vector<NamedTensor> inputs = {{"x", input_tensor(6)}};
  auto result = infer(gone, inputs, json::object(), nullptr, ClientTimeouts{1, 2});
  REQUIRE_FALSE(result.ok());
  CHECK_MESSAGE(result.status().message().find("tier server " + gone.address() + " unreachable") != std::string::npos,
                result.status().message());
  CHECK_FALSE(wait_ready(gone, 0.1).ok());

  // A tier whose next tier is gone answers 502 with the downstream error.
  TierServerOptions o = tier("mobile");
  o.next = gone;
  RunningServer mobile(o);
  CHECK(wait_ready(mobile.endpoint, 5).ok());
  auto forwarded = infer(mobile.endpoint, inputs, {{"edgerun_steps", {0, 1}}}, nullptr, kTestTimeouts);
  REQUIRE_FALSE(forwarded.ok());
  const std::string message = forwarded.status().message();
  CHECK_MESSAGE(message.find("answered 502") != std::string::npos, message);
  CHECK_MESSAGE(message.find("next tier: tier server " + gone.address() + " unreachable") != std::string::npos, message);

  // A port in use: bind() says so.
  TierServerOptions same_port = tier("edge");
  same_port.port = mobile.endpoint.port;
  auto session = Session::from_graph(tiny_graph());
  REQUIRE(session.ok());
  auto second = TierServer::create(std::move(session).value(), SessionOptions{}, same_port);
  REQUIRE(second.ok());
  CHECK(second.value()->bind().status().message().find("cannot listen on 127.0.0.1:" +
                                                       std::to_string(mobile.endpoint.port)) != std::string::npos);

  // Unknown model through the client: a 404 with the server's reason.
  Endpoint wrong = mobile.endpoint;
  wrong.model = "other";
  auto not_found = infer(wrong, inputs, json::object(), nullptr, kTestTimeouts);
  CHECK(not_found.status().message().find("answered 404: unknown model 'other'") != std::string::npos);

  CHECK(parse_endpoint_url("http://127.0.0.1:5001/").value().port == 5001);
  CHECK_FALSE(parse_endpoint_url("https://127.0.0.1:5001").ok());
  CHECK_FALSE(parse_endpoint_url("http://127.0.0.1").ok());
  CHECK_FALSE(parse_endpoint_url("http://127.0.0.1:99999").ok());
}

// y = Sigmoid(Tanh(x)) on 64 Ki floats: the tensor crossing cut 1 is 256 KiB, long enough to cut in two.
Graph wide_graph() {
  zoo::GraphBuilder b("wide", 3);
  const ValueId x = b.input("x", DType::kF32, {1, 65536});
  b.output(b.op("Sigmoid", "sig", {b.op("Tanh", "t", {x})}), "y");
  return b.finish().value();
}

std::vector<NamedTensor> wide_inputs() {
  std::vector<float> v(65536);
  for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<float>(i % 97) / 24.0f - 2.0f;
  return {{"x", Tensor::from_vector<float>({1, 65536}, v)}};
}

TEST_CASE("serve server: a link that drops mid-tensor is re-sent on a new connection, else a clean error") {
  using testing::FaultProxy;
  const std::vector<NamedTensor> inputs = wide_inputs();
  auto session = Session::from_graph(wide_graph());
  REQUIRE(session.ok());
  std::vector<NamedTensor> want;
  REQUIRE(session.value()->run(inputs, &want).ok());

  // mobile -> (the faulty link) -> edge; mobile's forward times out after 2 s.
  RunningServer edge(tier("edge"), wide_graph());
  auto proxy = FaultProxy::start(edge.endpoint.port);
  REQUIRE_MESSAGE(proxy.ok(), proxy.status().to_string());
  FaultProxy& link = *proxy.value();
  TierServerOptions o = tier("mobile");
  o.next = edge.endpoint;
  o.next->port = link.port();
  RunningServer mobile(o, wide_graph(), /*timeout_s=*/2);
  const json cut1 = {{"edgerun_steps", {0, 1}}};
  const auto elapsed_s = [](auto t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  };

  auto clean = infer(mobile.endpoint, inputs, cut1, nullptr, kTestTimeouts);
  REQUIRE_MESSAGE(clean.ok(), clean.status().to_string());
  check_equal(clean.value().outputs, want);
  REQUIRE(clean.value().timing.next != nullptr);
  CHECK(clean.value().timing.next->attempts == 1);
  const size_t half = clean.value().timing.next->request_bytes / 2;  // inside the 256 KiB tensor
  REQUIRE(half > 100000);

  SUBCASE("dropped once: the forward is re-sent and the answer is exact") {
    link.set_fault(FaultProxy::Fault::kReset, half, 1);
    auto recovered = infer(mobile.endpoint, inputs, cut1, nullptr, kTestTimeouts);
    REQUIRE_MESSAGE(recovered.ok(), recovered.status().to_string());
    check_equal(recovered.value().outputs, want);
    REQUIRE(recovered.value().timing.next != nullptr);
    CHECK(recovered.value().timing.next->attempts == 2);
    CHECK(link.faulted() == 1);
  }
  // A request whose every forward meets `fault` mid-tensor: mobile's 502 naming the link's far end;
  // returns its message and the seconds it took.
  const auto fail_through = [&](FaultProxy::Fault fault) {
    link.set_fault(fault, half);
    const auto t0 = std::chrono::steady_clock::now();
    auto failed = infer(mobile.endpoint, inputs, cut1, nullptr, kTestTimeouts);
    const double seconds = elapsed_s(t0);
    REQUIRE_FALSE(failed.ok());
    const std::string message = failed.status().message();
    MESSAGE(message);
    CHECK(message.find("answered 502: next tier: tier server 127.0.0.1:" + std::to_string(link.port())) !=
          std::string::npos);
    return std::make_pair(message, seconds);
  };
  SUBCASE("dropped on every attempt: a 502 naming the link's far end, in bounded time") {
    const auto [message, seconds] = fail_through(FaultProxy::Fault::kReset);
    CHECK(message.find("(3 attempts)") != std::string::npos);
    CHECK(link.faulted() == 3);
    CHECK(seconds < 2);  // resets fail fast: no timeout was waited for
  }
  SUBCASE("silent mid-tensor: the forward times out once (not retried) and answers 502") {
    const auto [message, seconds] = fail_through(FaultProxy::Fault::kStall);
    CHECK(message.find("attempts") == std::string::npos);
    CHECK(link.faulted() == 1);
    CHECK(seconds >= 1.9);
    CHECK(seconds < 4.5);
  }
  // Healed, the same chain serves again: neither tier was left broken.
  link.set_fault(FaultProxy::Fault::kNone, 0);
  auto healed = infer(mobile.endpoint, inputs, cut1, nullptr, kTestTimeouts);
  REQUIRE_MESSAGE(healed.ok(), healed.status().to_string());
  check_equal(healed.value().outputs, want);
}

TEST_CASE("serve server: the client re-sends a request whose upload was cut; it gives up after its attempts") {
  using testing::FaultProxy;
  const std::vector<NamedTensor> inputs = wide_inputs();
  RunningServer edge(tier("edge"), wide_graph());
  auto proxy = FaultProxy::start(edge.endpoint.port);
  REQUIRE(proxy.ok());
  FaultProxy& link = *proxy.value();
  Endpoint via = edge.endpoint;
  via.port = link.port();
  link.set_fault(FaultProxy::Fault::kReset, 128 << 10, 2);
  auto served = infer(via, inputs, json::object(), nullptr, kTestTimeouts);
  REQUIRE_MESSAGE(served.ok(), served.status().to_string());
  CHECK(served.value().timing.attempts == 3);
  check_equal(served.value().outputs, infer(edge.endpoint, inputs, json::object(), nullptr).value().outputs);

  link.set_fault(FaultProxy::Fault::kReset, 128 << 10);
  auto failed = infer(via, inputs, json::object(), nullptr, kTestTimeouts, RetryPolicy{2, 0.01});
  REQUIRE_FALSE(failed.ok());
  MESSAGE(failed.status().message());
  CHECK(failed.status().message().find("tier server " + via.address()) != std::string::npos);
  CHECK(failed.status().message().find("(2 attempts)") != std::string::npos);
  CHECK(link.faulted() == 4);
}

}  // namespace edgerun::serve
