// The client of a tier server (edgerun-serve): one KServe v2 infer call over HTTP with the binary
// tensor extension, its request body paced by the link shaper (one-way delay, then the token bucket),
// and the hop's time split into client encode, upload, server, download and client decode.
// Every socket has a timeout; a connection refused, reset or closed mid-transfer is retried a bounded
// number of times (RetryPolicy); an unreachable, failing or silent server is a Status naming its address.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/session.h"
#include "tools/serve/kserve_codec.h"
#include "tools/serve/link_shaper.h"

namespace edgerun::serve {

struct Endpoint {
  std::string host = "127.0.0.1";
  int port = 0;
  std::string model;
  std::string address() const { return host + ":" + std::to_string(port); }
};

// "http://HOST:PORT" (trailing slash allowed; no path) -> host and port; `model` stays empty.
Result<Endpoint> parse_endpoint_url(const std::string& url);

struct ClientTimeouts {
  double connect_s = 5;
  double io_s = 300;  // each socket read and write
};

// Re-sending after a transport failure (no HTTP answer: the connection refused, reset or closed
// mid-transfer, as when a link drops or a server restarts) on a new connection. Safe: an infer request
// is idempotent, a tier keeps no state between requests. Timeouts are not retried (a silent server would
// only double the wait), nor are HTTP error answers. Waits backoff_s before the second attempt and four
// times longer before each next one.
struct RetryPolicy {
  int attempts = 3;  // in all, >= 1
  double backoff_s = 0.05;
};

// One hop's time, in ms. The response parameters of the server fill its part, and `next` the hop the
// server itself made (a partitioned placement), recursively.
struct HopTiming {
  std::string tier;            // the server's edgerun_tier label
  size_t request_bytes = 0;    // request body (JSON header + binary tensors)
  size_t response_bytes = 0;   // response body
  double total_ms = 0;         // the whole call: encode + round trip + decode
  double encode_ms = 0;        // client: request serialisation
  double decode_ms = 0;        // client: response parsing
  double upload_ms = 0;        // connect, one-way delay and the paced request body
  double server_ms = 0;        // server: queue + decode + compute + forward + encode
  double download_ms = 0;      // round trip - upload - server: the response's delay and paced body
  double server_queue_ms = 0;  // waiting for the server's session
  double server_decode_ms = 0;
  double compute_ms = 0;
  double rebuild_ms = 0;       // a cold request: rebuilding the server's session (part of compute_ms)
  double server_encode_ms = 0;
  double forward_ms = 0;       // the server's call to its next tier (next->total_ms, as the server saw it)
  int attempts = 1;            // sends of the request (RetryPolicy); failed ones and waits are in upload_ms
  std::vector<double> step_ms;  // per step, when the request asked for edgerun_profile
  std::unique_ptr<HopTiming> next;

  nlohmann::json to_json() const;
  // Lenient: missing fields stay 0 (the nested timing is informative, not a contract).
  static HopTiming from_json(const nlohmann::json& j);
};

struct InferResult {
  std::vector<NamedTensor> outputs;
  nlohmann::json parameters;  // the response's parameters
  HopTiming timing;
};

// POSTs the inputs to /v2/models/{server.model}/infer, all tensors as binary data, outputs requested as
// binary data. `parameters` go in the request (edgerun_steps, edgerun_profile, ...). `link` paces the
// upload (null: unshaped); keep one shaper per link so its jitter sequence and bandwidth are shared.
Result<InferResult> infer(const Endpoint& server, const std::vector<NamedTensor>& inputs,
                          const nlohmann::json& parameters, LinkShaper* link, const ClientTimeouts& timeouts = {},
                          const RetryPolicy& retry = {});

// Polls GET /v2/health/ready until 200 or `timeout_s` passes (then the last failure, with the address).
Status wait_ready(const Endpoint& server, double timeout_s);

}  // namespace edgerun::serve
