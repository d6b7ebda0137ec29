// The model a tier server serves: a Session compiled once for its default input shapes, the tensors
// crossing each cut of its plan (what a partition stage takes and gives), and runs of a step range
// under a mutex (a Session is not thread-safe; the plan checks the inputs' names, types and shapes).
// A cold run (the studies' protocol: every request re-created the inference session) first rebuilds
// a session from a copy of the deployed graph, compiled for the same shapes, and runs on that.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "engine/session.h"

namespace edgerun::serve {

// A tensor a stage takes or gives: dims of -1 are unknown until run time; no shape at all when even the
// rank is unknown (has_shape false).
struct TensorSpec {
  std::string name;
  DType dtype = DType::kUndefined;
  Shape shape;
  bool has_shape = false;
};

// One run: plan steps [first, last) under `exits` (early-exit models); `cold` rebuilds the session
// first; `profile` asks for per-step times.
struct StageRequest {
  size_t first = 0, last = 0;
  ExitPolicy exits;
  bool cold = false;
  bool profile = false;
};

struct StageResult {
  std::vector<NamedTensor> outputs;  // the tensors crossing `last` (an early exit: the graph outputs)
  std::vector<double> step_ms;       // with profile
  double queue_ms = 0;               // the wait for the session
  double rebuild_ms = 0;             // a cold run: copying the graph and compiling it (part of its compute)
  RunReport report;                  // what ran
};

class ServedModel {
 public:
  // `options` are those `session` was made with: a cold run rebuilds with them.
  static Result<std::unique_ptr<ServedModel>> create(std::unique_ptr<Session> session, const SessionOptions& options);
  ~ServedModel();

  size_t num_steps() const;
  // The values crossing the cut before step `cut` (0: graph inputs, num_steps(): graph outputs).
  std::vector<TensorSpec> crossing(size_t cut) const;
  // Runs the request on inputs named as crossing(request.first) on the compute thread. A mismatched
  // input is an invalid_argument naming it.
  Status run(const StageRequest& request, const std::vector<NamedTensor>& inputs, StageResult* result);

 private:
  ServedModel(std::unique_ptr<Session> session, SessionOptions options, std::map<std::string, Shape> shapes);
  void compute_loop();
  Result<std::unique_ptr<Session>> rebuild() const;

  std::unique_ptr<Session> session_;
  SessionOptions options_;
  std::map<std::string, Shape> shapes_;  // what session_ was compiled for
  std::mutex run_mutex_;  // one run at a time
  // The hand-over to the compute thread: a job, then its completion.
  std::mutex job_mutex_;
  std::condition_variable job_cv_;
  std::function<void()> job_;
  bool job_done_ = false;
  bool stopping_ = false;
  std::thread compute_;
};

}  // namespace edgerun::serve
