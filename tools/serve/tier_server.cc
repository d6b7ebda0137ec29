#include "tools/serve/tier_server.h"

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <exception>
#include <set>
#include <thread>

#include <sys/socket.h>
#include <unistd.h>

#include "tools/common/latency_stats.h"
#include "tools/serve/served_model.h"

namespace edgerun::serve {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

// A model path, with an optional version segment (one version is served; any is accepted).
const char* const kModelPath = R"(/v2/models/([^/]+)(?:/versions/[^/]+)?)";

void reply_json(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(body.dump(-1, ' ', false, json::error_handler_t::replace), kJsonContentType);
}

void reply_error(httplib::Response& res, int status, const std::string& message) {
  reply_json(res, status, json{{"error", message}});
}

json tensor_metadata(const TensorSpec& spec) {
  auto datatype = kserve_datatype(spec.dtype);
  return {{"name", spec.name},
          {"datatype", datatype.ok() ? datatype.value() : std::string(dtype_name(spec.dtype))},
          {"shape", spec.has_shape ? json(spec.shape) : json::array()}};
}

Result<bool> optional_bool(const json& params, const char* key) {
  auto it = params.find(key);
  if (it == params.end()) return false;
  if (!it->is_boolean()) return invalid_argument(std::string("parameter ") + key + " is not a boolean");
  return it->get<bool>();
}

// What an infer request asks of this server, from its parameters and requested outputs.
struct InferPlan {
  size_t first = 0, last = 0;
  bool forward = false;   // last < N with a next tier: the next tier runs [last, N)
  bool profile = false;
  bool cold = false;      // rebuild the session first (and ask the next tier to)
  ExitPolicy exits;  // early-exit models: edgerun_exit forces one exit path
  std::vector<RequestedOutput> outputs;  // the outputs answered, in answer order
  BinarySelection binary;
};

Result<std::pair<size_t, size_t>> parse_steps(const json& params, size_t num_steps) {
  auto it = params.find("edgerun_steps");
  if (it == params.end()) return std::make_pair(size_t{0}, num_steps);
  const json& s = *it;
  if (!s.is_array() || s.size() != 2 || !s[0].is_number_unsigned() || !s[1].is_number_unsigned()) {
    return invalid_argument("edgerun_steps must be [first, last], two non-negative integers; got " + json_excerpt(s));
  }
  const uint64_t first = s[0].get<uint64_t>(), last = s[1].get<uint64_t>();
  if (first > last || last > num_steps) {
    return invalid_argument("edgerun_steps " + json_excerpt(s) + " is not a range within the plan's " +
                            std::to_string(num_steps) + " steps");
  }
  return std::make_pair(static_cast<size_t>(first), static_cast<size_t>(last));
}

// "edgerun_exit": K forces exit K of an early-exit model for this request (its latency path); absent,
// the model's thresholds decide.
Result<ExitPolicy> parse_exit(const json& params) {
  auto it = params.find("edgerun_exit");
  if (it == params.end()) return ExitPolicy{};
  if (!it->is_number_unsigned() || it->get<uint64_t>() > 1000)
    return invalid_argument("edgerun_exit must be an exit index (a small non-negative integer); got " + json_excerpt(*it));
  return ExitPolicy{ExitPolicy::Kind::kForce, static_cast<int>(it->get<uint64_t>())};
}

// httplib closes its listening socket only when stopping a running accept loop; a server stopped
// before it served (or never served) closes it here, so its port refuses connections at once.
class HttpServer : public httplib::Server {
 public:
  void close_listener() {
    const socket_t sock = svr_sock_.exchange(INVALID_SOCKET);
    if (sock != INVALID_SOCKET) ::close(sock);
  }
  // httplib (0.11, compiled) listens with a backlog of 5: clients connecting at once beyond it (a burst,
  // or every client retrying as a restarted server comes up) lose their SYN and wait the kernel's 1 s
  // retransmit. Listening again on the bound socket raises the backlog (the kernel caps it at somaxconn).
  bool raise_backlog() {
    const socket_t sock = svr_sock_;
    return sock != INVALID_SOCKET && ::listen(sock, SOMAXCONN) == 0;
  }
};

}  // namespace

struct TierServer::Impl {
  TierServerOptions options;
  std::unique_ptr<ServedModel> model;
  HttpServer http;
  LinkShaper link;
  LinkShaper next_link;
  std::atomic<bool> stop_requested{false};
  std::atomic<bool> serving{false};
  int port = 0;

  Impl(TierServerOptions o, std::unique_ptr<ServedModel> m)
      : options(std::move(o)), model(std::move(m)), link(options.link, options.seed),
        next_link(options.next_link, options.seed + 1) {}

  void install_routes();
  bool is_served(const httplib::Request& req, httplib::Response& res) const;
  json model_metadata() const;
  Result<InferPlan> plan_infer(const InferRequest& request) const;
  void infer(const httplib::Request& req, const std::string& body, httplib::Response& res);
  void send(httplib::Response& res, EncodedMessage message);
};

bool TierServer::Impl::is_served(const httplib::Request& req, httplib::Response& res) const {
  if (req.matches[1] == options.model_name) return true;
  reply_error(res, 404, "unknown model '" + req.matches[1].str() + "' (this server serves '" + options.model_name + "')");
  return false;
}

json TierServer::Impl::model_metadata() const {
  json inputs = json::array(), outputs = json::array();
  for (const TensorSpec& s : model->crossing(0)) inputs.push_back(tensor_metadata(s));
  for (const TensorSpec& s : model->crossing(model->num_steps())) outputs.push_back(tensor_metadata(s));
  return {{"name", options.model_name},
          {"versions", json::array({"1"})},
          {"platform", "edgerun"},
          {"inputs", std::move(inputs)},
          {"outputs", std::move(outputs)},
          {"parameters", {{"edgerun_steps", model->num_steps()}, {"edgerun_tier", options.tier}}}};
}

void TierServer::Impl::install_routes() {
  http.Get("/v2/health/live", [](const httplib::Request&, httplib::Response& res) {
    reply_json(res, 200, {{"live", true}});
  });
  http.Get("/v2/health/ready", [](const httplib::Request&, httplib::Response& res) {
    reply_json(res, 200, {{"ready", true}});
  });
  http.Get("/v2", [](const httplib::Request&, httplib::Response& res) {
    reply_json(res, 200, {{"name", "edgerun-serve"}, {"version", "1"}, {"extensions", {"binary_tensor_data"}}});
  });
  http.Get(kModelPath, [this](const httplib::Request& req, httplib::Response& res) {
    if (is_served(req, res)) reply_json(res, 200, model_metadata());
  });
  http.Get(std::string(kModelPath) + "/ready", [this](const httplib::Request& req, httplib::Response& res) {
    if (is_served(req, res)) reply_json(res, 200, {{"name", options.model_name}, {"ready", true}});
  });
  // The body is read here rather than by httplib, which caps form-encoded bodies (curl -d's default
  // Content-Type) at 8 KiB; the payload limit still applies (413).
  http.Post(std::string(kModelPath) + "/infer",
            [this](const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader) {
              if (!is_served(req, res)) return;
              if (req.is_multipart_form_data()) return reply_error(res, 400, "an infer request is not a multipart form");
              std::string body;
              if (!reader([&body](const char* data, size_t size) {
                    body.append(data, size);
                    return true;
                  })) {
                return;  // httplib set the status (413 over the limit, 400 a broken body); on_error words it
              }
              infer(req, body, res);
            });
  // Errors httplib answers itself (no route, body over the limit) get a JSON body too.
  const httplib::Server::HandlerWithResponse on_error = [this](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    if (res.status == 413) {
      reply_error(res, 413, "request body over the limit of " + std::to_string(options.max_request_bytes) + " bytes");
    } else if (res.status == 404) {
      reply_error(res, 404, "no such endpoint: " + req.method + " " + req.path);
    } else {
      reply_error(res, res.status, "HTTP error " + std::to_string(res.status));
    }
    return httplib::Server::HandlerResponse::Handled;
  };
  http.set_error_handler(on_error);
  http.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
    std::string what = "unknown exception";
    try {
      std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    reply_error(res, 500, "internal error: " + what);
  });
  const auto sec = static_cast<time_t>(options.timeout_s);
  const auto usec = static_cast<time_t>((options.timeout_s - static_cast<double>(sec)) * 1e6);
  http.set_read_timeout(sec, usec);
  http.set_write_timeout(sec, usec);
  http.set_payload_max_length(options.max_request_bytes);
  http.set_tcp_nodelay(true);  // else Nagle holds the body behind the headers for a delayed ACK (40 ms)
  // httplib's default adds SO_REUSEPORT: a second server on a taken port would bind and steal requests.
  http.set_socket_options([](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
}

Result<InferPlan> TierServer::Impl::plan_infer(const InferRequest& request) const {
  InferPlan plan;
  const size_t n = model->num_steps();
  ASSIGN_OR_RETURN(auto steps, parse_steps(request.parameters, n));
  plan.first = steps.first;
  plan.last = steps.second;
  plan.forward = plan.last < n && options.next.has_value();
  ASSIGN_OR_RETURN(plan.profile, optional_bool(request.parameters, "edgerun_profile"));
  ASSIGN_OR_RETURN(plan.cold, optional_bool(request.parameters, "edgerun_cold"));
  ASSIGN_OR_RETURN(plan.exits, parse_exit(request.parameters));
  ASSIGN_OR_RETURN(bool binary_output, optional_bool(request.parameters, "binary_data_output"));
  const bool binary_default = binary_output || request.used_binary;

  const std::vector<TensorSpec> answers = model->crossing(plan.forward ? n : plan.last);
  std::set<std::string> answer_names;
  for (const TensorSpec& s : answers) answer_names.insert(s.name);
  if (request.outputs.empty()) {
    for (const TensorSpec& s : answers) plan.outputs.push_back({s.name, std::nullopt});
  } else {
    for (const RequestedOutput& o : request.outputs) {
      if (answer_names.count(o.name) == 0) {
        return invalid_argument("requested output '" + o.name + "' is not produced by steps [" +
                                std::to_string(plan.first) + ", " + std::to_string(plan.forward ? n : plan.last) + ")");
      }
      plan.outputs.push_back(o);
    }
  }
  for (const RequestedOutput& o : plan.outputs) {
    if (o.binary.value_or(binary_default)) plan.binary.names.insert(o.name);
  }
  return plan;
}

void TierServer::Impl::infer(const httplib::Request& req, const std::string& body, httplib::Response& res) {
  const auto t_start = Clock::now();
  auto header_length = parse_header_length(req.get_header_value(kHeaderLengthHeader), body.size());
  if (!header_length.ok()) return reply_error(res, 400, header_length.status().message());
  auto request = decode_infer_request(body, header_length.value(), options.limits);
  if (!request.ok()) {
    return reply_error(res, request.status().code() == StatusCode::kOutOfRange ? 413 : 400, request.status().message());
  }
  auto plan = plan_infer(request.value());
  if (!plan.ok()) return reply_error(res, 400, plan.status().message());
  const InferPlan& p = plan.value();
  const double decode_ms = ms_since(t_start);

  const auto t_compute = Clock::now();
  StageResult stage;
  Status st = model->run({p.first, p.last, p.exits, p.cold, p.profile}, request.value().inputs, &stage);
  if (!st.ok()) return reply_error(res, st.code() == StatusCode::kInvalidArgument ? 400 : 500, st.message());
  std::vector<NamedTensor>& results = stage.outputs;
  // An early exit on this tier ends the request here: the results are the model's outputs, nothing
  // goes to the next tier.
  const bool exited = stage.report.stopped_at_exit >= 0;
  const double compute_ms = ms_since(t_compute) - stage.queue_ms;

  json params = {{"edgerun_tier", options.tier},
                 {"edgerun_steps", {p.first, p.last}},
                 {"edgerun_queue_ms", stage.queue_ms},
                 {"edgerun_decode_ms", decode_ms},
                 {"edgerun_compute_ms", compute_ms}};
  if (p.profile) params["edgerun_step_ms"] = stage.step_ms;
  if (p.cold) params["edgerun_rebuild_ms"] = stage.rebuild_ms;
  if (exited) params["edgerun_exit_taken"] = stage.report.stopped_at_exit;
  if (p.forward && !exited) {
    const auto t_forward = Clock::now();
    json next_params = {{"edgerun_steps", {p.last, model->num_steps()}}, {"edgerun_profile", p.profile}};
    if (p.exits.kind == ExitPolicy::Kind::kForce) next_params["edgerun_exit"] = p.exits.exit;
    if (p.cold) next_params["edgerun_cold"] = true;
    const ClientTimeouts timeouts{std::min(5.0, options.timeout_s), options.timeout_s};
    auto next = serve::infer(*options.next, results, next_params, &next_link, timeouts);
    if (!next.ok()) return reply_error(res, 502, "next tier: " + next.status().message());
    params["edgerun_forward_ms"] = ms_since(t_forward);
    params["edgerun_next"] = next.value().timing.to_json();
    results = std::move(next.value().outputs);
  }

  InferResponse response;
  response.model_name = options.model_name;
  response.id = request.value().id;
  response.parameters = std::move(params);
  if (exited) {
    response.outputs = std::move(results);
  } else {
    for (const RequestedOutput& o : p.outputs) {
      for (NamedTensor& r : results) {
        if (r.name == o.name) response.outputs.push_back(r);
      }
    }
  }
  const auto t_encode = Clock::now();
  auto encoded = encode_infer_response(response, p.binary, [&t_encode](json* parameters) {
    (*parameters)["edgerun_encode_ms"] = ms_since(t_encode);
  });
  if (!encoded.ok()) return reply_error(res, 500, encoded.status().message());
  send(res, std::move(encoded).value());
}

void TierServer::Impl::send(httplib::Response& res, EncodedMessage message) {
  res.status = 200;
  if (message.has_binary()) res.set_header(kHeaderLengthHeader, std::to_string(message.header_length));
  const std::string content_type = message.content_type();
  if (!link.profile().shaped()) {
    res.body = std::move(message.body);
    res.set_header("Content-Type", content_type);
    return;
  }
  auto body = std::make_shared<std::string>(std::move(message.body));
  res.set_content_provider(body->size(), content_type,
                           [this, body](size_t offset, size_t length, httplib::DataSink& sink) {
                             if (offset == 0) link.delay();
                             return link.send(body->data() + offset, length,
                                              [&sink](const char* d, size_t n) { return sink.write(d, n); });
                           });
}

TierServer::TierServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TierServer::~TierServer() {
  stop();
  impl_->http.close_listener();
}

Result<std::unique_ptr<TierServer>> TierServer::create(std::unique_ptr<Session> session,
                                                       const SessionOptions& session_options,
                                                       TierServerOptions options) {
  ASSIGN_OR_RETURN(auto model, ServedModel::create(std::move(session), session_options));
  auto impl = std::make_unique<Impl>(std::move(options), std::move(model));
  impl->install_routes();
  return std::unique_ptr<TierServer>(new TierServer(std::move(impl)));
}

Result<int> TierServer::bind() {
  const TierServerOptions& o = impl_->options;
  int port = o.port;
  if (o.port == 0) {
    port = impl_->http.bind_to_any_port(o.host);
  } else if (!impl_->http.bind_to_port(o.host, o.port)) {
    port = -1;
  }
  if (port < 0) return io_error("cannot listen on " + o.host + ":" + std::to_string(o.port) + " (in use, or no such address)");
  if (!impl_->http.raise_backlog()) return io_error("cannot raise the listen backlog on port " + std::to_string(port));
  impl_->port = port;
  return port;
}

Status TierServer::serve() {
  impl_->serving = true;
  if (impl_->stop_requested) {
    impl_->serving = false;
    impl_->http.close_listener();
    return Status::Ok();
  }
  const bool ok = impl_->http.listen_after_bind();
  impl_->serving = false;
  if (!ok && !impl_->stop_requested) return io_error("the server on port " + std::to_string(impl_->port) + " failed");
  return Status::Ok();
}

void TierServer::stop() {
  impl_->stop_requested = true;
  // httplib's stop() is a no-op until its accept loop runs: wait for it if serve() is starting it.
  while (impl_->serving && !impl_->http.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  impl_->http.stop();
}

int TierServer::port() const { return impl_->port; }
size_t TierServer::num_steps() const { return impl_->model->num_steps(); }
const TierServerOptions& TierServer::options() const { return impl_->options; }

}  // namespace edgerun::serve
