#include "tools/serve/served_model.h"

#include <chrono>

#include "engine/plan.h"
#include "tools/common/latency_stats.h"

namespace edgerun::serve {

ServedModel::ServedModel(std::unique_ptr<Session> session)
    : session_(std::move(session)), compute_([this] { compute_loop(); }) {}

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

Result<std::unique_ptr<ServedModel>> ServedModel::create(std::unique_ptr<Session> session) {
  ASSIGN_OR_RETURN(auto shapes, session->default_input_shapes());
  RETURN_IF_ERROR(session->prepare(shapes).with_context("compiling the served model"));
  return std::unique_ptr<ServedModel>(new ServedModel(std::move(session)));
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

Status ServedModel::run(size_t first, size_t last, const std::vector<NamedTensor>& inputs, const ExitPolicy& exits,
                        std::vector<NamedTensor>* outputs, std::vector<double>* step_ms, double* queue_ms,
                        RunReport* report) {
  const auto t_wait = std::chrono::steady_clock::now();
  std::lock_guard<std::mutex> run_lock(run_mutex_);
  *queue_ms = ms_since(t_wait);
  Status status;
  std::unique_lock<std::mutex> lock(job_mutex_);
  job_done_ = false;
  job_ = [&] {
    session_->set_exit_policy(exits);
    status = session_->run_steps(first, last, inputs, outputs, step_ms);
    *report = session_->last_run();
  };
  job_cv_.notify_all();
  job_cv_.wait(lock, [this] { return job_done_; });
  return status;
}

}  // namespace edgerun::serve
