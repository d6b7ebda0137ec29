// The studies' fixed partition points (`--cut paper`), one per zoo model, found in a COMPILED plan by
// the node names the zoo builders give (models/zoo/*.cc): a cut is placed right after the last step of
// a scope, i.e. after the step producing the scope's final tensor. Fusions keep those names (a fused
// Conv carries the name of the Conv, and the output value of the Add / ReLU it absorbed).
//
//   resnet, resnext, resnet-student, resnext-student, resnet50: after layer3's last block ("layer3.").
//     Wide-ResNet-101-2 @224: layer3.22's output, 1x1024x14x14.
//   fcn: "at the late Add": the study's 1x1024x80x74 is the output of the last residual Add of the
//     backbone's layer3 (1024 channels at output stride 8 of their image size); ours is the same
//     tensor ("backbone.layer3."), after its ReLU, 1x1024x65x65 at 520x520.
//   duc: "after conv5_1". In TuSimple-DUC's MXNet symbol (the ONNX model zoo's source) `conv5_1` names
//     the element-wise sum of the first res5 block, res5a = our layer4.0 ("layer4.0."): its output is
//     1x2048x100x100 at 800x800. The study's 1x512x100x100 (~156 Mibit) is the size of res5a's inner
//     512-channel tensors (conv5_1_1x1_reduce / conv5_1_3x3); a cut there also has to ship the block's
//     input for the projection shortcut (1x1024x100x100), so no single 512-channel tensor is a valid
//     cut. We cut after the block named conv5_1, as the study names it.
//   bert, bert-student, roberta, roberta-student: after the embeddings ("<family>.embeddings."): the
//     embeddings' LayerNorm output [1, seq, hidden]; the attention mask (not yet used) crosses too.
//
// Quantized plans: the anchor step is the scope's last step that is not a QuantizeLinear /
// DequantizeLinear; where a QuantizeLinear reads its output later on (SPTQ quantizes BERT's LayerNorm
// output), the cut moves past it, so the uint8 tensor crosses instead of the float one (the
// SPTQ-Partition hybrid). Where the INT8 op itself produces uint8 (QLinearAdd in ResNet) nothing moves.
#pragma once

#include <string>
#include <vector>

#include "operators/partition/cut_points.h"

namespace edgerun::partition {

// Zoo model names that have a paper cut.
std::vector<std::string> paper_cut_models();

// The study's cut for `zoo_model` in `plan` (the model compiled, FP32 or SPTQ). Errors: a model
// without a paper cut (the message lists those with one), a plan without the scope's steps (not built
// by the zoo), a cut that is not shippable.
Result<CutPoint> paper_cut(const Plan& plan, const std::string& zoo_model);

}  // namespace edgerun::partition
