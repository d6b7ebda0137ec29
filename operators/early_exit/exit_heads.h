// BranchyNet-style exit heads: built after chosen blocks (exit_points.h), fitted natively by softmax
// regression (head_fit.h) on the features of calibration samples, then armed: a chain of EarlyExit ops
// (graph/ops/early_exit.h) lets the Plan stop at the first confident exit.
//   classification  GlobalAveragePool + Flatten + Gemm            (logits [N, classes])
//   segmentation    1x1 Conv + bilinear Resize to the output size  (logits [N, classes, H, W])
//   text            the first token (Gather 0 on axis 1) + Gemm    (logits [N, classes])
// The kind follows the model's output: rank 4 is segmentation; rank 2 with a rank-3 block output is
// text; else classification.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/session.h"
#include "graph/graph.h"
#include "operators/early_exit/exit_points.h"
#include "operators/early_exit/exit_thresholds.h"
#include "operators/early_exit/head_fit.h"

namespace edgerun::early_exit {

enum class HeadKind { kClassification, kSegmentation, kText };
const char* head_kind_name(HeadKind kind);

// A model with exit heads as extra graph outputs: output 0 is the model's first, then one per exit,
// named exit_output_name(model output, k), in model order. Nodes stay in execution order: each head
// right after its block, so a run that stops at an exit has not computed the blocks after it.
struct MultiExitModel {
  Graph graph;
  HeadKind kind = HeadKind::kClassification;
  std::vector<std::string> exit_names;  // the blocks the heads follow: "layer1.0"
  std::vector<FitReport> fits;          // one per exit when fitted
  std::vector<std::string> dropped_outputs;  // the model's other outputs (an auxiliary head), removed
  Shape output_shape;  // the model output's, for the declared input shapes (symbolic dims bound to 1)
};

std::string exit_output_name(const std::string& model_output, size_t exit);

struct HeadTraining {
  // Batches of graph inputs (one vector of NamedTensors per batch). Empty: the heads get seeded random
  // weights (a full-size model whose exits are forced, engine/session.h ExitPolicy::kForce).
  std::vector<std::vector<NamedTensor>> batches;
  // Per batch, int64 labels: [rows] (classification, text) or [rows, H, W] (segmentation). Empty:
  // self-distillation, the targets are the model's own final output probabilities.
  std::vector<Tensor> labels;
  FitOptions fit;
  int64_t pixels_per_sample = 64;  // segmentation: pixels per image on a regular grid of the block output
  uint64_t seed = 1;               // random heads
  SessionOptions session;          // runs the model over the batches
};

Result<MultiExitModel> attach_exit_heads(const Graph& model, const std::vector<Block>& points,
                                         const HeadTraining& training);

// One calibration batch through every exit.
struct ExitRun {
  std::vector<NamedTensor> outputs;  // each exit's logits, then the final output
  std::vector<Tensor> scored;        // per exit, what its EarlyExit scores (arm_exits): the logits, or a
                                     // segmentation head's low-resolution logits before its upsampling
};
Result<std::vector<ExitRun>> run_all_exits(const MultiExitModel& model,
                                           const std::vector<std::vector<NamedTensor>>& batches,
                                           const SessionOptions& options);

// The armed model: EarlyExit k after head k with thresholds[k], a final EarlyExit (rule "always") on
// the model's output. A segmentation head's bilinear upsampling moves into its EarlyExit (attribute
// upsample): the exit scores the low-resolution logits and only samples that exit are upsampled. Its outputs: the merged logits under the model output's name, then "exit_index"
// (int64 [N]: the exit each sample took; exit_names.size() is the final output).
constexpr const char* kExitIndexOutput = "exit_index";
Result<Graph> arm_exits(const MultiExitModel& model, const std::vector<float>& thresholds, ExitRule rule);

}  // namespace edgerun::early_exit
