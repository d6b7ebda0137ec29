// TierServer: one tier's compute behind the Open Inference Protocol (KServe v2, HTTP/REST, with the
// binary tensor data extension). It holds a Session compiled for the model's default input shapes and
// serves it as model `model_name`:
//   GET  /v2/health/live, /v2/health/ready, /v2 (server metadata)
//   GET  /v2/models/{name}[/versions/{v}]          inputs, outputs, parameters.edgerun_steps (step count)
//   GET  /v2/models/{name}[/versions/{v}]/ready
//   POST /v2/models/{name}[/versions/{v}]/infer
// Infer parameters (edgerun's extension):
//   edgerun_steps: [first, last]  run plan steps [first, last) (default [0, N)); the inputs are the
//       tensors crossing the cut before `first`, the results those crossing `last`. With last < N and a
//       next tier configured, the server forwards them there with edgerun_steps [last, N] over the next
//       link and answers with the next tier's outputs.
//   edgerun_profile: true         per-step wall times (edgerun_step_ms).
//   edgerun_cold: true            a cold request (the studies' protocol): the server rebuilds its
//       session from a copy of the deployed graph, compiled for the same shapes, and runs the steps on
//       it; the rebuild is part of edgerun_compute_ms and also answered as edgerun_rebuild_ms. A
//       forwarded tail is sent on cold too.
// Every response carries edgerun_tier, edgerun_steps, edgerun_queue_ms, edgerun_decode_ms,
// edgerun_compute_ms, edgerun_encode_ms, and edgerun_forward_ms + edgerun_next (the forward hop's
// timing, nested) when it forwarded. Responses are binary when the request sent binary data or asked
// for it (binary_data_output, or an output's binary_data), else JSON; their body is paced by the
// server's own link profile (one-way delay, then the token bucket).
// Errors answer {"error": "..."}: 400 malformed or mismatched request, 404 unknown model or path, 413
// request over the size limit, 502 the next tier failed (its error included), 500 anything else.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "engine/session.h"
#include "tools/serve/kserve_codec.h"
#include "tools/serve/link_shaper.h"
#include "tools/serve/tier_client.h"

namespace edgerun::serve {

struct TierServerOptions {
  std::string model_name = "model";  // the served name
  std::string tier = "local";        // a label echoed in responses
  std::string host = "127.0.0.1";
  int port = 0;  // 0: any free port
  LinkProfile link;                  // paces this server's responses
  std::optional<Endpoint> next;      // where partition tails are forwarded (the only outbound address)
  LinkProfile next_link;             // paces the forwarded requests
  size_t max_request_bytes = size_t{512} << 20;
  double timeout_s = 300;            // every socket read / write, and the forward call
  uint64_t seed = 1;                 // link jitter
  CodecLimits limits;
};

class TierServer {
 public:
  // Compiles the session's plan for its default input shapes; errors if that fails. `session_options`
  // are those the session was made with (cold requests rebuild it with them).
  static Result<std::unique_ptr<TierServer>> create(std::unique_ptr<Session> session,
                                                    const SessionOptions& session_options, TierServerOptions options);
  ~TierServer();

  // Binds host:port; returns the bound port.
  Result<int> bind();
  // Serves on the bound socket until stop().
  Status serve();
  // Ends serve() (from any thread, also before serve() started); in-flight requests finish first.
  void stop();

  int port() const;
  size_t num_steps() const;
  const TierServerOptions& options() const;

 private:
  struct Impl;
  explicit TierServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace edgerun::serve
