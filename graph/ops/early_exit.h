// EarlyExit: edgerun's internal control-flow op, made by operators/early_exit (never read from a model
// file). A chain of them merges the exits of a multi-exit model:
//   inputs   0  logits   float [N, C, ...]  this exit's head output, shaped like the model's output
//            1  merged   float, like logits (optional; the previous EarlyExit's output 0)
//            2  taken    int64 [N]          (optional, with 1; the previous EarlyExit's output 1)
//   outputs  0  merged   rows of samples already taken keep their rows; the others get this exit's logits
//            1  taken    per sample, the index of the exit it took, -1 while it has taken none
//   attrs    exit_index (int >= 0), rule ("max_prob", "entropy" or "always": the final output),
//            threshold (float), upsample (ints [H, W], optional: logits are a segmentation head's
//            low-resolution [N, C, h, w]; merged is [N, C, H, W], a taken sample's row its logits
//            resized bilinearly (half_pixel), so the upsampling is paid only by samples that exit)
// A sample takes this exit when its confidence passes the threshold (operators/early_exit/exit_thresholds.h:
// softmax over axis 1 at every position, the mean over positions of the max probability or entropy).
// The Plan stops a run after an EarlyExit whose `taken` has no -1 left (engine/plan.h).
#pragma once

#include <string>

#include "graph/status.h"

namespace edgerun {

namespace early_exit_attr {
constexpr const char* kExitIndex = "exit_index";
constexpr const char* kRule = "rule";
constexpr const char* kThreshold = "threshold";
constexpr const char* kAlways = "always";
constexpr const char* kUpsample = "upsample";
}  // namespace early_exit_attr

}  // namespace edgerun
