#include "tools/serve/tier_client.h"

#include <httplib.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <thread>
#include <utility>

namespace edgerun::serve {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

double ms_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

void set_timeout(double seconds, const std::function<void(time_t, time_t)>& set) {
  const auto sec = static_cast<time_t>(seconds);
  set(sec, static_cast<time_t>((seconds - static_cast<double>(sec)) * 1e6));
}

std::unique_ptr<httplib::Client> make_client(const Endpoint& server, const ClientTimeouts& timeouts) {
  auto client = std::make_unique<httplib::Client>(server.host, server.port);
  set_timeout(timeouts.connect_s, [&](time_t s, time_t us) { client->set_connection_timeout(s, us); });
  set_timeout(timeouts.io_s, [&](time_t s, time_t us) { client->set_read_timeout(s, us); });
  set_timeout(timeouts.io_s, [&](time_t s, time_t us) { client->set_write_timeout(s, us); });
  client->set_keep_alive(false);
  client->set_tcp_nodelay(true);  // else Nagle holds the body behind the headers for a delayed ACK (40 ms)
  client->set_decompress(false);  // no Accept-Encoding: byte counts and pacing see the real body
  return client;
}

std::string seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%g s", s);
  return buf;
}

// An attempt that got no HTTP response: httplib's error, and whether the attempt waited out its read or
// write timeout (httplib reports those as Read and Write errors too: told apart by the attempt's time).
struct TransportFailure {
  httplib::Error error;
  bool timed_out;
};

TransportFailure failure_of(httplib::Error error, Clock::time_point attempt_start, const ClientTimeouts& timeouts) {
  return {error, ms_between(attempt_start, Clock::now()) >= 0.9 * 1000 * timeouts.io_s};
}

// Why a request got no HTTP response, in words.
std::string describe(const Endpoint& server, const TransportFailure& failure, const ClientTimeouts& timeouts) {
  const std::string prefix = "tier server " + server.address() + " ";
  switch (failure.error) {
    case httplib::Error::Connection:
      return prefix + "unreachable: could not connect (connection refused or no route)";
    case httplib::Error::ConnectionTimeout:
      return prefix + "unreachable: connection timed out after " + seconds(timeouts.connect_s);
    case httplib::Error::Read:
      return prefix + (failure.timed_out ? "gave no response within " + seconds(timeouts.io_s)
                                         : "closed or reset the connection before responding");
    case httplib::Error::Write:
      return prefix + "did not take the request: " +
             (failure.timed_out ? "write timed out after " + seconds(timeouts.io_s) : "connection closed or reset");
    case httplib::Error::Canceled:
      // The paced body's writer gave up: the connection broke while the request was on the wire.
      return prefix + "lost the connection while the request was being sent (closed or reset)";
    default:
      return prefix + "request failed: " + httplib::to_string(failure.error);
  }
}

// Whether an attempt may be sent again (RetryPolicy): a refused, reset or broken connection; not a
// timeout of any kind.
bool retryable(const TransportFailure& failure) {
  const httplib::Error e = failure.error;
  return !failure.timed_out && (e == httplib::Error::Connection || e == httplib::Error::Read ||
                                e == httplib::Error::Write || e == httplib::Error::Canceled);
}

// The error text of a non-2xx response: its JSON "error" member, else the body.
std::string error_text(const httplib::Response& res) {
  const json j = json::parse(res.body, nullptr, /*allow_exceptions=*/false);
  if (j.is_object() && j.contains("error") && j["error"].is_string()) return j["error"].get<std::string>();
  return res.body.substr(0, 500);
}

double number_or_zero(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number() ? it->get<double>() : 0.0;
}

std::vector<double> numbers(const json& j, const char* key) {
  std::vector<double> out;
  auto it = j.find(key);
  if (it == j.end() || !it->is_array()) return out;
  for (const json& v : *it) out.push_back(v.is_number() ? v.get<double>() : 0.0);
  return out;
}

// The server's part of a hop, from its response parameters.
void fill_server_timing(const json& params, HopTiming* t) {
  if (params.contains("edgerun_tier") && params["edgerun_tier"].is_string()) {
    t->tier = params["edgerun_tier"].get<std::string>();
  }
  t->server_queue_ms = number_or_zero(params, "edgerun_queue_ms");
  t->server_decode_ms = number_or_zero(params, "edgerun_decode_ms");
  t->compute_ms = number_or_zero(params, "edgerun_compute_ms");
  t->rebuild_ms = number_or_zero(params, "edgerun_rebuild_ms");
  t->server_encode_ms = number_or_zero(params, "edgerun_encode_ms");
  t->forward_ms = number_or_zero(params, "edgerun_forward_ms");
  t->server_ms = t->server_queue_ms + t->server_decode_ms + t->compute_ms + t->forward_ms + t->server_encode_ms;
  t->step_ms = numbers(params, "edgerun_step_ms");
  if (params.contains("edgerun_next") && params["edgerun_next"].is_object()) {
    t->next = std::make_unique<HopTiming>(HopTiming::from_json(params["edgerun_next"]));
  }
}

}  // namespace

// HopTiming's numbers by their JSON names: one list serves both directions.
constexpr std::pair<const char*, double HopTiming::*> kTimingFields[] = {
    {"total_ms", &HopTiming::total_ms},
    {"encode_ms", &HopTiming::encode_ms},
    {"decode_ms", &HopTiming::decode_ms},
    {"upload_ms", &HopTiming::upload_ms},
    {"server_ms", &HopTiming::server_ms},
    {"download_ms", &HopTiming::download_ms},
    {"server_queue_ms", &HopTiming::server_queue_ms},
    {"server_decode_ms", &HopTiming::server_decode_ms},
    {"compute_ms", &HopTiming::compute_ms},
    {"rebuild_ms", &HopTiming::rebuild_ms},
    {"server_encode_ms", &HopTiming::server_encode_ms},
    {"forward_ms", &HopTiming::forward_ms},
};

json HopTiming::to_json() const {
  json j = {{"tier", tier}, {"request_bytes", request_bytes}, {"response_bytes", response_bytes}, {"attempts", attempts}};
  for (const auto& [name, field] : kTimingFields) j[name] = this->*field;
  if (!step_ms.empty()) j["step_ms"] = step_ms;
  if (next) j["next"] = next->to_json();
  return j;
}

HopTiming HopTiming::from_json(const json& j) {
  HopTiming t;
  if (!j.is_object()) return t;
  if (j.contains("tier") && j["tier"].is_string()) t.tier = j["tier"].get<std::string>();
  t.request_bytes = static_cast<size_t>(number_or_zero(j, "request_bytes"));
  t.response_bytes = static_cast<size_t>(number_or_zero(j, "response_bytes"));
  t.attempts = std::max(1, static_cast<int>(number_or_zero(j, "attempts")));
  for (const auto& [name, field] : kTimingFields) t.*field = number_or_zero(j, name);
  t.step_ms = numbers(j, "step_ms");
  if (j.contains("next") && j["next"].is_object()) t.next = std::make_unique<HopTiming>(from_json(j["next"]));
  return t;
}

Result<Endpoint> parse_endpoint_url(const std::string& url) {
  const std::string scheme = "http://";
  if (url.compare(0, scheme.size(), scheme) != 0) return invalid_argument("'" + url + "' is not an http:// URL");
  std::string rest = url.substr(scheme.size());
  if (!rest.empty() && rest.back() == '/') rest.pop_back();
  const size_t colon = rest.rfind(':');
  if (colon == std::string::npos || colon == 0 || rest.find('/') != std::string::npos) {
    return invalid_argument("'" + url + "' is not http://HOST:PORT");
  }
  Endpoint e;
  e.host = rest.substr(0, colon);
  const char* begin = rest.data() + colon + 1;
  const char* end = rest.data() + rest.size();
  const auto [ptr, ec] = std::from_chars(begin, end, e.port);
  if (ec != std::errc() || ptr != end || e.port <= 0 || e.port > 65535) {
    return invalid_argument("'" + url + "' has no valid port");
  }
  return e;
}

Result<InferResult> infer(const Endpoint& server, const std::vector<NamedTensor>& inputs, const json& parameters,
                          LinkShaper* link, const ClientTimeouts& timeouts, const RetryPolicy& retry) {
  const auto t0 = Clock::now();
  InferRequest request;
  request.inputs = inputs;
  request.parameters = parameters.is_object() ? parameters : json::object();
  request.parameters["binary_data_output"] = true;
  auto encoded = encode_infer_request(request, BinarySelection{true, {}});
  if (!encoded.ok()) return encoded.status().with_context("request to " + server.address());
  const EncodedMessage& message = encoded.value();
  const auto t_sent = Clock::now();

  const httplib::Headers headers = {{kHeaderLengthHeader, std::to_string(message.header_length)}};
  Clock::time_point t_uploaded = t_sent;
  const auto provide = [&](size_t offset, size_t length, httplib::DataSink& sink) {
    if (offset == 0 && link != nullptr) link->delay();
    const auto write = [&sink](const char* d, size_t n) { return sink.write(d, n); };
    const bool ok = link != nullptr ? link->send(message.body.data() + offset, length, write)
                                    : sink.write(message.body.data() + offset, length);
    t_uploaded = Clock::now();
    return ok;
  };
  const std::string path = "/v2/models/" + server.model + "/infer";
  const auto post = [&] {  // one attempt, on a new connection
    return make_client(server, timeouts)
        ->Post(path.c_str(), headers, message.body.size(), provide, message.content_type());
  };
  int attempts = 1;
  auto t_attempt = Clock::now();
  httplib::Result res = post();
  while (!res && attempts < retry.attempts && retryable(failure_of(res.error(), t_attempt, timeouts))) {
    std::this_thread::sleep_for(std::chrono::duration<double>(retry.backoff_s * std::pow(4.0, attempts - 1)));
    ++attempts;
    t_attempt = Clock::now();
    res = post();
  }
  const auto t_received = Clock::now();
  if (!res) {
    std::string failure = describe(server, failure_of(res.error(), t_attempt, timeouts), timeouts);
    if (attempts > 1) failure += " (" + std::to_string(attempts) + " attempts)";
    return io_error(failure);
  }
  if (res->status < 200 || res->status >= 300) {
    return io_error("tier server " + server.address() + " answered " + std::to_string(res->status) + ": " +
                    error_text(*res));
  }

  ASSIGN_OR_RETURN(size_t header_length,
                   parse_header_length(res->get_header_value(kHeaderLengthHeader), res->body.size()));
  auto response = decode_infer_response(res->body, header_length, CodecLimits{int64_t{1} << 32});
  if (!response.ok()) return response.status().with_context("response of tier server " + server.address());
  const auto t_done = Clock::now();

  InferResult result;
  result.outputs = std::move(response.value().outputs);
  result.parameters = std::move(response.value().parameters);
  HopTiming& t = result.timing;
  fill_server_timing(result.parameters, &t);
  t.attempts = attempts;
  t.request_bytes = message.body.size();
  t.response_bytes = res->body.size();
  t.encode_ms = ms_between(t0, t_sent);
  t.upload_ms = ms_between(t_sent, t_uploaded);
  t.download_ms = ms_between(t_sent, t_received) - t.upload_ms - t.server_ms;
  t.decode_ms = ms_between(t_received, t_done);
  t.total_ms = ms_between(t0, t_done);
  return result;
}

Status wait_ready(const Endpoint& server, double timeout_s) {
  const auto deadline = Clock::now() + std::chrono::duration<double>(timeout_s);
  ClientTimeouts short_timeouts{0.5, 1.0};
  std::string last = "no answer yet";
  while (true) {
    auto client = make_client(server, short_timeouts);
    const auto t_attempt = Clock::now();
    httplib::Result res = client->Get("/v2/health/ready");
    if (res && res->status == 200) return Status::Ok();
    last = res ? "answered " + std::to_string(res->status)
               : describe(server, failure_of(res.error(), t_attempt, short_timeouts), short_timeouts);
    if (Clock::now() >= deadline) {
      return io_error("tier server " + server.address() + " not ready after " + seconds(timeout_s) + ": " + last);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace edgerun::serve
