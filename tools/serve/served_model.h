// The model a tier server serves: a Session compiled once for its default input shapes, the tensors
// crossing each cut of its plan (what a partition stage takes and gives), and runs of a step range
// under a mutex (a Session is not thread-safe; the plan checks the inputs' names, types and shapes).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <functional>
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

class ServedModel {
 public:
  static Result<std::unique_ptr<ServedModel>> create(std::unique_ptr<Session> session);
  ~ServedModel();

  size_t num_steps() const;
  // The values crossing the cut before step `cut` (0: graph inputs, num_steps(): graph outputs).
  std::vector<TensorSpec> crossing(size_t cut) const;
  // Runs steps [first, last) on inputs named as crossing(first) on the compute thread, under `exits`
  // (early-exit models); *queue_ms gets the wait for the session, *report what ran (an early exit
  // leaves the graph outputs in *outputs). A mismatched input is an invalid_argument naming it.
  Status run(size_t first, size_t last, const std::vector<NamedTensor>& inputs, const ExitPolicy& exits,
             std::vector<NamedTensor>* outputs, std::vector<double>* step_ms, double* queue_ms, RunReport* report);

 private:
  explicit ServedModel(std::unique_ptr<Session> session);
  void compute_loop();

  std::unique_ptr<Session> session_;
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
