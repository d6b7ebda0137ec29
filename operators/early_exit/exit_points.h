// The block structure early exit works on, found by node names in both naming schemes edgerun meets:
// the zoo builders' ("layer4.0.conv1", "backbone.layer4.0.conv1", "bert.encoder.layer.11.attention...")
// and PyTorch's ONNX exports of the trained surrogates ("/layer4/layer4.0/conv1/Conv",
// "/layers.1/Add_2"). Dynamic early exit attaches heads after blocks; static early exit skips blocks.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "graph/graph.h"

namespace edgerun::early_exit {

enum class ModelFamily {
  kResNet,       // stages layer1..layer4 of residual blocks (ResNet, ResNeXt, FCN and DUC backbones)
  kTransformer,  // one stage of encoder layers (BERT, RoBERTa)
};

struct Block {
  std::string name;  // as the user names it: "layer3.1" (ResNet), "layer.5" (transformer, 0-based)
  ValueId output = kNoValue;  // the block's output value
};

struct BlockStructure {
  ModelFamily family = ModelFamily::kResNet;
  // ResNet: layer1..layer4 in order, each with its blocks in order; transformer: one stage.
  std::vector<std::string> stage_names;  // "layer1".."layer4"; {"encoder"}
  std::vector<std::vector<Block>> stages;
};

// Errors name what was looked for when the graph has neither structure.
Result<BlockStructure> find_blocks(const Graph& graph);

// Default exit points of dynamic early exit: ResNet: after the last block of layer1, layer2 and
// layer3; a transformer of L layers: after layers round(L*j/4)-1 for j = 1, 2, 3, without duplicates,
// negatives and the last layer (12 layers: 2, 5, 8; 2 layers: 0).
std::vector<Block> default_exit_points(const BlockStructure& blocks);

// The points of `target` at the places `source_points` have in `source` (a full-size model and its
// trained surrogate): the same stage and relative depth in it (a stage's last block maps to the
// stage's last block; for a transformer, layer i of Ls maps to round((i + 1) * Lt / Ls) - 1). Points
// with no counterpart (another family, the target's last block) are left out.
std::vector<Block> corresponding_exit_points(const BlockStructure& target, const BlockStructure& source,
                                             const std::vector<Block>& source_points);

// --ee-points: a comma-separated list of stage names (the stage's last block) and block names, in
// model order, no duplicates, never the model's last block. Errors list the valid names.
Result<std::vector<Block>> parse_exit_points(const BlockStructure& blocks, const std::string& spec);

// Static early exit as the black-box study did it: every input skips the last blocks.
//   ResNet family: layer4.0's output feeds what layer4's last block fed (layer4.1, layer4.2 skipped);
//   transformer of L layers: the last ceil(L/6) layers skipped (BERT-base 12 -> 2, a 2-layer surrogate -> 1).
struct StaticSkip {
  std::vector<std::string> skipped_blocks;  // "layer4.1", "layer4.2"
  std::string kept_output;                  // the block whose output now feeds the head: "layer4.0"
  int removed_nodes = 0;
};
Result<StaticSkip> apply_static_skip(Graph& graph);

}  // namespace edgerun::early_exit
