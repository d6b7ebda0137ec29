// Structured (channel) pruning's graph surgery, the "channel" pattern of prune_graph: which Conv layers can
// lose whole output filters with the graph fixed up after them, and the shrinking itself.
//
// A Conv's output channels may go when they reach, through per-channel nodes -- BatchNormalization
// (constant parameters), depthwise Convs (one filter per channel, group = channels), Relu, Clip, MaxPool,
// AveragePool -- nothing but Convs of group 1 reading them as their data input. Removing channel c then
// drops filter c (weight row and bias), entry c of each BatchNormalization's scale, B, mean and var,
// filter c of each depthwise conv (its group shrinks with it), and input channel c of every reading
// Conv's weight. The removed channel's whole contribution goes, BatchNormalization's shift included.
// Channels that meet anything else -- a residual Add, Concat, Reshape, Flatten, Gemm, a graph output --
// have a width shared beyond the layer: that conv stays (in a ResNet bottleneck conv1 and conv2 may go,
// not conv3 or the downsample; in a MobileNetV2 block the expanding 1x1 conv may go). Grouped convs with
// several channels per group (ResNeXt) are left out both ways: they are not pruned, and a conv feeding
// one is not (pruning in whole groups is not done). Depthwise convs are never pruned on their own.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "graph/graph.h"
#include "operators/prune/prune_masks.h"

namespace edgerun::prune {

struct ChannelReach {
  size_t conv = 0;                // the node whose output channels go
  std::vector<size_t> norms;      // BatchNormalization nodes on the way
  std::vector<size_t> depthwise;  // depthwise Convs on the way
  std::vector<size_t> readers;    // group-1 Convs reading the channels
  std::vector<ValueId> values;    // every value carrying the channels (their declared shapes go stale)
};

// Where node `conv`'s output channels go, or nothing when they cannot be removed (not a group-1 Conv
// with constant float weights, or its channels meet a node that shares their width).
std::optional<ChannelReach> channel_reach(const Graph& g, size_t conv);

// The filters (rows of w, the [output channels, rest] view) a channel mask keeps, ascending. A layer keeps
// at least its largest filter by L1 norm (the earliest on ties): a conv without channels cannot run.
std::vector<int64_t> kept_filters(const WeightMatrix& w, const std::vector<uint8_t>& mask);

// Keeps, for each reach, only the output channels kept[i] (ascending) of reaches[i].conv and shrinks
// its reach to match. The new weights are fresh constants (the old may be shared with other nodes).
void remove_channels(Graph& g, const std::vector<ChannelReach>& reaches, const std::vector<std::vector<int64_t>>& kept);

}  // namespace edgerun::prune
