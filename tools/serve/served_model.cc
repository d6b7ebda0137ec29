#include "tools/serve/served_model.h"

#include <chrono>

#include "engine/plan.h"
#include "tools/common/latency_stats.h"

namespace edgerun::serve {

ServedModel::ServedModel(std::unique_ptr<Session> session, SessionOptions options, std::map<std::string, Shape> shapes)
    : session_(std::move(session)),
      options_(std::move(options)),
      shapes_(std::move(shapes)),
      compute_([this] { compute_loop(); }) {}

ServedModel::~ServedModel() {
  {
    std::lock_guard<std::mutex> lock(job_mutex_);
    stopping_ = true;
  }
  job_cv_.notify_all();
  compute_.join();
}

void ServedModel::compute_loop() {
  std::unique_lock<std::mutex> lock(job_mutex_);
  while (true) {
    job_cv_.wait(lock, [this] { return stopping_ || job_; });
    if (stopping_) return;
    job_();
    job_ = nullptr;
    job_done_ = true;
    job_cv_.notify_all();
  }
}

Result<std::unique_ptr<ServedModel>> ServedModel::create(std::unique_ptr<Session> session,
                                                         const SessionOptions& options) {
  ASSIGN_OR_RETURN(auto shapes, session->default_input_shapes());
  RETURN_IF_ERROR(session->prepare(shapes).with_context("compiling the served model"));
  return std::unique_ptr<ServedModel>(new ServedModel(std::move(session), options, std::move(shapes)));
}

Result<std::unique_ptr<Session>> ServedModel::rebuild() const {
  // The copy stands in for reading the model file, as bench_engine's local cold requests do.
  ASSIGN_OR_RETURN(auto fresh, Session::from_graph(Graph(session_->graph()), options_));
  RETURN_IF_ERROR(fresh->prepare(shapes_).with_context("rebuilding the served model (cold request)"));
  if (fresh->plan()->num_steps() != num_steps()) {
    return internal_error("the rebuilt session has " + std::to_string(fresh->plan()->num_steps()) +
                          " steps, the served one " + std::to_string(num_steps()));
  }
  return fresh;
}

size_t ServedModel::num_steps() const { return session_->plan()->num_steps(); }

std::vector<TensorSpec> ServedModel::crossing(size_t cut) const {
  const Plan& plan = *session_->plan();
  std::vector<TensorSpec> specs;
  for (ValueId id : plan.crossing_values(cut)) {
    const Value& v = plan.graph().value(id);
    TensorSpec spec{v.name, v.dtype, {}, v.has_shape};
    for (const SymDim& d : v.shape) spec.shape.push_back(d.known() ? d.size : -1);
    specs.push_back(std::move(spec));
  }
  return specs;
}

Status ServedModel::run(const StageRequest& request, const std::vector<NamedTensor>& inputs, StageResult* result) {
  const auto t_wait = std::chrono::steady_clock::now();
  std::lock_guard<std::mutex> run_lock(run_mutex_);
  result->queue_ms = ms_since(t_wait);
  Status status;
  std::unique_lock<std::mutex> lock(job_mutex_);
  job_done_ = false;
  // A cold run's session is built, run and destroyed on the compute thread, so all of it counts
  // against the tier's CPU limit (that thread, and the threads it starts, are in the tier's cgroup).
  // The served session stays: HTTP threads read its plan (crossing(), num_steps()) without the run
  // mutex, and a later warm request runs it as before.
  job_ = [&] {
    std::unique_ptr<Session> fresh;
    if (request.cold) {
      const auto t_rebuild = std::chrono::steady_clock::now();
      auto rebuilt = rebuild();
      if (!rebuilt.ok()) {
        status = rebuilt.status();
        return;
      }
      fresh = std::move(rebuilt).value();
      result->rebuild_ms = ms_since(t_rebuild);
    }
    Session& session = fresh ? *fresh : *session_;
    session.set_exit_policy(request.exits);
    status = session.run_steps(request.first, request.last, inputs, &result->outputs,
                               request.profile ? &result->step_ms : nullptr);
    result->report = session.last_run();
  };
  job_cv_.notify_all();
  job_cv_.wait(lock, [this] { return job_done_; });
  return status;
}

}  // namespace edgerun::serve
