#include "operators/early_exit/exit_heads.h"

#include <algorithm>
#include <cmath>
#include <random>

#include "engine/ops/op_kernels.h"
#include "graph/ops/early_exit.h"
#include "graph/passes/eliminate_dead_nodes.h"
#include "graph/passes/infer_shapes.h"

namespace edgerun::early_exit {

namespace {

int opset_of(const Graph& g) {
  const auto it = g.opsets.find("");
  return it == g.opsets.end() ? 17 : static_cast<int>(it->second);
}

// Concrete shapes of every value for the declared input shapes (symbolic dims bound to 1).
Result<std::vector<Shape>> value_shapes(const Graph& model) {
  Graph g = model;
  std::map<std::string, Shape> inputs;
  for (ValueId id : g.inputs) {
    const Value& v = g.value(id);
    if (!v.has_shape) return invalid_argument("input '" + v.name + "' has no declared shape");
    Shape s;
    for (const SymDim& d : v.shape) s.push_back(d.known() ? d.size : 1);
    inputs[v.name] = s;
  }
  // Folding resolves shape subgraphs (an exported Resize's computed sizes).
  const NodeEvaluator evaluator = evaluate_node;
  ShapeInferenceOptions options;
  options.fold = &evaluator;
  RETURN_IF_ERROR(infer_shapes(g, inputs, options));
  std::vector<Shape> shapes(g.values.size());
  for (size_t i = 0; i < g.values.size(); ++i) {
    if (g.values[i].has_shape) shapes[i] = concrete_shape(g.values[i]);
  }
  return shapes;
}

// Inserts `nodes` right after the node producing `value` (at the front when a graph input produces it).
void insert_after_producer(Graph& g, ValueId value, std::vector<Node> nodes) {
  size_t at = 0;
  for (size_t n = 0; n < g.nodes.size(); ++n) {
    const auto& outs = g.nodes[n].outputs;
    if (std::find(outs.begin(), outs.end(), value) != outs.end()) at = n + 1;
  }
  g.nodes.insert(g.nodes.begin() + static_cast<std::ptrdiff_t>(at), nodes.begin(), nodes.end());
}

// Moves the node producing `value` up to right after the last producer of its inputs, first doing the
// same for inputs whose producers sit apart from their own inputs: a transform that appends nodes
// (SPTQ's QuantizeLinear / DequantizeLinear of an exit's logits) leaves them after the blocks the exit
// should precede.
void hoist_producer(Graph& g, ValueId value) {
  std::vector<int> producer = g.producers();
  const int p = producer[static_cast<size_t>(value)];
  if (p < 0) return;
  auto last_input_producer = [&](int node) {
    int last = -1;
    for (ValueId in : g.nodes[static_cast<size_t>(node)].inputs) {
      if (in != kNoValue) last = std::max(last, producer[static_cast<size_t>(in)]);
    }
    return last;
  };
  for (ValueId in : g.nodes[static_cast<size_t>(p)].inputs) {
    if (in == kNoValue) continue;
    const int q = producer[static_cast<size_t>(in)];
    if (q >= 0 && last_input_producer(q) + 1 < q) {
      hoist_producer(g, in);
      producer = g.producers();
    }
  }
  const int at = producer[static_cast<size_t>(value)], after = last_input_producer(at);
  if (after + 1 >= at) return;
  Node node = std::move(g.nodes[static_cast<size_t>(at)]);
  g.nodes.erase(g.nodes.begin() + at);
  g.nodes.insert(g.nodes.begin() + after + 1, std::move(node));
}

// The segmentation heads' upsampling: Resize, linear, half_pixel (torch's align_corners=False);
// `scales` or `sizes` as ONNX Resize takes them.
constexpr const char* kHeadResizeMode = "linear";
constexpr const char* kHeadResizeCoordinates = "half_pixel";

bool is_head_resize(const Node& node) {
  return node.op == OpType::kResize && node.attrs.get_string("mode", "") == kHeadResizeMode &&
         node.attrs.get_string("coordinate_transformation_mode", "") == kHeadResizeCoordinates;
}

// What an exit's EarlyExit scores: the exit's logits, or, when they come from a segmentation head's
// bilinear half_pixel Resize (through QuantizeLinear / DequantizeLinear pairs SPTQ put around it), the
// Resize's input, which the EarlyExit then upsamples itself for the samples that exit.
struct ScoredValue {
  ValueId value;
  bool upsampled;
};
ScoredValue scored_value(const Graph& g, ValueId logits) {
  const std::vector<int> producer = g.producers();
  ValueId v = logits;
  while (true) {
    const int p = producer[static_cast<size_t>(v)];
    if (p < 0) return {logits, false};
    const Node& node = g.nodes[static_cast<size_t>(p)];
    if (node.op == OpType::kQuantizeLinear || node.op == OpType::kDequantizeLinear) {
      v = node.inputs.at(0);
      continue;
    }
    return is_head_resize(node) ? ScoredValue{node.inputs.at(0), true} : ScoredValue{logits, false};
  }
}

Node make_node(const Graph& g, const std::string& name, OpType op, std::vector<ValueId> inputs,
               std::vector<ValueId> outputs) {
  Node n;
  n.name = name;
  n.op = op;
  n.op_type = op_name(op);
  n.opset = opset_of(g);
  n.inputs = std::move(inputs);
  n.outputs = std::move(outputs);
  return n;
}

ValueId new_value(Graph& g, const std::string& base) { return g.value_id(g.unique_name(base)); }

Node head_resize(const Graph& g, const std::string& name, ValueId x, ValueId scales, ValueId sizes, ValueId y) {
  Node resize = make_node(g, name, OpType::kResize, {x, kNoValue, scales, sizes}, {y});
  resize.attrs.set_string("mode", kHeadResizeMode);
  resize.attrs.set_string("coordinate_transformation_mode", kHeadResizeCoordinates);
  return resize;
}

struct ExitGeometry {
  HeadKind kind;
  int64_t channels;       // block output features: C (images) or hidden size (text)
  int64_t height = 1, width = 1;  // segmentation: the block output's spatial size
  // A segmentation output flattened as DUC's [N, classes, cells * H' * W'] (pixel cells by the last
  // feature map's positions): the head predicts classes * cells channels at H' x W', then flattens.
  int64_t cells = 0;
  int64_t cell_height = 0, cell_width = 0;
};

Result<HeadKind> head_kind(const Shape& output, const Shape& block) {
  if ((output.size() == 4 || output.size() == 3) && block.size() == 4) return HeadKind::kSegmentation;
  if (output.size() == 2 && block.size() == 3) return HeadKind::kText;
  if (output.size() == 2 && block.size() == 4) return HeadKind::kClassification;
  return unsupported("no exit head for a block output " + shape_to_string(block) + " and a model output " +
                     shape_to_string(output) + " (images [N, C, H, W] to [N, classes], [N, classes, H, W] or "
                     "DUC's [N, classes, cells x H' x W']; text [N, S, hidden] to [N, classes])");
}

// The fixed front of a head (pooling or token choice); returns its feature value.
ValueId add_head_front(Graph& g, HeadKind kind, ValueId block, const std::string& scope) {
  if (kind == HeadKind::kSegmentation) return block;
  std::vector<Node> nodes;
  ValueId features = new_value(g, scope + ".features");
  if (kind == HeadKind::kClassification) {
    const ValueId pooled = new_value(g, scope + ".pooled");
    nodes.push_back(make_node(g, scope + ".gap", OpType::kGlobalAveragePool, {block}, {pooled}));
    Node flatten = make_node(g, scope + ".flatten", OpType::kFlatten, {pooled}, {features});
    flatten.attrs.set_int("axis", 1);
    nodes.push_back(std::move(flatten));
  } else {
    const ValueId first = g.add_constant(scope + ".first_token", Tensor::scalar<int64_t>(0));
    Node gather = make_node(g, scope + ".first_token", OpType::kGather, {block, first}, {features});
    gather.attrs.set_int("axis", 1);
    nodes.push_back(std::move(gather));
  }
  insert_after_producer(g, block, std::move(nodes));
  return features;
}

// The fitted (or random) linear part and, for segmentation, the upsampling; returns the logits value.
ValueId add_head_back(Graph& g, const ExitGeometry& geo, const Shape& output, ValueId features, const LinearHead& head,
                      const std::string& scope, const std::string& logits_name) {
  std::vector<Node> nodes;
  const ValueId logits = g.value_id(logits_name);
  if (geo.kind == HeadKind::kSegmentation) {
    const ValueId w = g.add_constant(scope + ".conv.weight",
                                     Tensor::from_vector<float>({head.classes, head.features, 1, 1}, head.weight));
    const ValueId b = g.add_constant(scope + ".conv.bias", Tensor::from_vector<float>({head.classes}, head.bias));
    const ValueId low = new_value(g, scope + ".low_logits");
    Node conv = make_node(g, scope + ".conv", OpType::kConv, {features, w, b}, {low});
    conv.attrs.set_ints("kernel_shape", {1, 1});
    nodes.push_back(std::move(conv));
    if (geo.cells > 0) {  // to the last feature map's size, then [N, classes, cells * H' * W']
      ValueId cell_logits = low;
      if (geo.height != geo.cell_height || geo.width != geo.cell_width) {
        cell_logits = new_value(g, scope + ".cell_logits");
        const ValueId sizes = g.add_constant(
            scope + ".sizes", Tensor::from_vector<int64_t>({4}, {output[0], head.classes, geo.cell_height, geo.cell_width}));
        nodes.push_back(head_resize(g, scope + ".resize", low, kNoValue, sizes, cell_logits));
      }
      const ValueId shape = g.add_constant(scope + ".flat_shape", Tensor::from_vector<int64_t>({3}, {0, output[1], -1}));
      nodes.push_back(make_node(g, scope + ".flatten", OpType::kReshape, {cell_logits, shape}, {logits}));
      insert_after_producer(g, features, std::move(nodes));
      return logits;
    }
    const float sy = static_cast<float>(output[2]) / static_cast<float>(geo.height);
    const float sx = static_cast<float>(output[3]) / static_cast<float>(geo.width);
    const ValueId scales = g.add_constant(scope + ".scales", Tensor::from_vector<float>({4}, {1.f, 1.f, sy, sx}));
    nodes.push_back(head_resize(g, scope + ".upsample", low, scales, kNoValue, logits));
  } else {
    const ValueId w =
        g.add_constant(scope + ".fc.weight", Tensor::from_vector<float>({head.classes, head.features}, head.weight));
    const ValueId b = g.add_constant(scope + ".fc.bias", Tensor::from_vector<float>({head.classes}, head.bias));
    Node gemm = make_node(g, scope + ".fc", OpType::kGemm, {features, w, b}, {logits});
    gemm.attrs.set_int("transB", 1);
    nodes.push_back(std::move(gemm));
  }
  insert_after_producer(g, features, std::move(nodes));
  return logits;
}

void softmax_row(const float* logits, int64_t classes, int64_t stride, float* out) {
  float top = logits[0];
  for (int64_t c = 1; c < classes; ++c) top = std::max(top, logits[c * stride]);
  float sum = 0;
  for (int64_t c = 0; c < classes; ++c) sum += out[c] = std::exp(logits[c * stride] - top);
  for (int64_t c = 0; c < classes; ++c) out[c] /= sum;
}

// Rows of features and targets for one exit, accumulated over batches.
struct FitData {
  std::vector<float> features, targets;
  int64_t rows = 0;
};

// One batch into the fit data: features from the block (or its pooled/first-token front), targets from
// the final output's probabilities or the labels.
Status add_batch(const ExitGeometry& geo, const Tensor& features, const Tensor& final_output, const Tensor* labels,
                 int64_t pixels_per_sample, int64_t classes, FitData* data) {
  const int64_t n = features.dim(0);
  std::vector<float> probs(static_cast<size_t>(classes));
  auto add_target = [&](const float* logits, int64_t stride, int64_t label) {
    if (labels != nullptr) {
      if (label < 0 || label >= classes)
        return invalid_argument("label " + std::to_string(label) + " outside [0, " + std::to_string(classes) + ")");
      for (int64_t c = 0; c < classes; ++c) data->targets.push_back(c == label ? 1.f : 0.f);
      return Status::Ok();
    }
    softmax_row(logits, classes, stride, probs.data());
    data->targets.insert(data->targets.end(), probs.begin(), probs.end());
    return Status::Ok();
  };
  if (geo.kind != HeadKind::kSegmentation) {
    for (int64_t s = 0; s < n; ++s) {
      const float* f = features.data<float>() + s * geo.channels;
      data->features.insert(data->features.end(), f, f + geo.channels);
      RETURN_IF_ERROR(add_target(final_output.data<float>() + s * classes, 1,
                                 labels ? labels->data<int64_t>()[s] : -1));
      ++data->rows;
    }
    return Status::Ok();
  }
  // Segmentation: a regular grid of block-output pixels; each is matched to the output pixel at the
  // centre of the area it covers (the output is the input's size, a multiple of the block's).
  const int64_t h = geo.height, w = geo.width, big_h = final_output.dim(2), big_w = final_output.dim(3);
  const int64_t step = std::max<int64_t>(1, static_cast<int64_t>(std::ceil(std::sqrt(
                                                static_cast<double>(h * w) / static_cast<double>(pixels_per_sample)))));
  for (int64_t s = 0; s < n; ++s) {
    for (int64_t y = step / 2; y < h; y += step) {
      for (int64_t x = step / 2; x < w; x += step) {
        for (int64_t c = 0; c < geo.channels; ++c)
          data->features.push_back(features.data<float>()[((s * geo.channels + c) * h + y) * w + x]);
        const int64_t by = (2 * y + 1) * big_h / (2 * h), bx = (2 * x + 1) * big_w / (2 * w);
        const float* logits = final_output.data<float>() + s * classes * big_h * big_w + by * big_w + bx;
        RETURN_IF_ERROR(add_target(logits, big_h * big_w,
                                   labels ? labels->data<int64_t>()[(s * big_h + by) * big_w + bx] : -1));
        ++data->rows;
      }
    }
  }
  return Status::Ok();
}

LinearHead random_head(int64_t features, int64_t classes, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> normal(0.f, 1.f / std::sqrt(static_cast<float>(features)));
  LinearHead head{features, classes, std::vector<float>(static_cast<size_t>(features * classes)),
                  std::vector<float>(static_cast<size_t>(classes), 0.f)};
  for (float& w : head.weight) w = normal(rng);
  return head;
}

Result<std::vector<NamedTensor>> run_batch(Session& session, const std::vector<NamedTensor>& inputs) {
  std::vector<NamedTensor> outputs;
  RETURN_IF_ERROR(session.run(inputs, &outputs));
  return outputs;
}

}  // namespace

const char* head_kind_name(HeadKind kind) {
  switch (kind) {
    case HeadKind::kClassification: return "classification";
    case HeadKind::kSegmentation: return "segmentation";
    case HeadKind::kText: return "text";
  }
  return "?";
}

std::string exit_output_name(const std::string& model_output, size_t exit) {
  return model_output + ".exit" + std::to_string(exit);
}

Result<MultiExitModel> attach_exit_heads(const Graph& model, const std::vector<Block>& points,
                                         const HeadTraining& training) {
  if (points.empty()) return invalid_argument("early exit needs at least one exit point");
  if (!training.labels.empty() && training.labels.size() != training.batches.size())
    return invalid_argument("labels must be given for every batch or for none");
  ASSIGN_OR_RETURN(std::vector<Shape> shapes, value_shapes(model));
  const ValueId output = model.outputs[0];
  const Shape& out_shape = shapes[static_cast<size_t>(output)];
  if (out_shape.size() < 2) return unsupported("the model output " + shape_to_string(out_shape) + " has no class axis");
  const int64_t classes = out_shape[1];

  MultiExitModel m;
  m.graph = model;
  m.output_shape = out_shape;
  // The exits stand in for the first output; the others (FCN's auxiliary head, used in training) go.
  for (size_t o = 1; o < model.outputs.size(); ++o) m.dropped_outputs.push_back(model.value(model.outputs[o]).name);
  m.graph.outputs.resize(1);
  eliminate_dead_nodes(m.graph);
  std::vector<ExitGeometry> geometry;
  std::vector<ValueId> features;
  for (size_t k = 0; k < points.size(); ++k) {
    const Shape& block = shapes[static_cast<size_t>(points[k].output)];
    ASSIGN_OR_RETURN(HeadKind kind, head_kind(out_shape, block));
    if (k > 0 && kind != m.kind) return internal_error("exit heads of different kinds");
    m.kind = kind;
    ExitGeometry geo{kind, block.size() == 3 ? block[2] : block[1]};
    if (kind == HeadKind::kSegmentation) {
      geo.height = block[2];
      geo.width = block[3];
    }
    if (kind == HeadKind::kSegmentation && out_shape.size() == 3) {
      // The deepest exit's feature map stands for the last one (DUC's dilated stages keep its size).
      const Shape& deepest = shapes[static_cast<size_t>(points.back().output)];
      geo.cell_height = deepest[2];
      geo.cell_width = deepest[3];
      if (out_shape[2] % (geo.cell_height * geo.cell_width) != 0)
        return unsupported("exit after " + points[k].name + ": the flattened output " + shape_to_string(out_shape) +
                           " is not a whole number of " + shape_to_string(deepest) + " feature maps");
      geo.cells = out_shape[2] / (geo.cell_height * geo.cell_width);
      if (!training.batches.empty())
        return unsupported("fitting heads for a flattened segmentation output " + shape_to_string(out_shape) +
                           " is not supported (its pixel layout is the model's post-processing)");
      if (!model.value(model.inputs.at(0)).shape.empty() && !model.value(model.inputs.at(0)).shape[0].known())
        return unsupported("exit heads for a flattened segmentation output need a fixed batch size");
    } else if (kind == HeadKind::kSegmentation) {
      if (out_shape[2] % geo.height != 0 || out_shape[3] % geo.width != 0)
        return unsupported("exit after " + points[k].name + ": the output size " + shape_to_string(out_shape) +
                           " is not a multiple of the block's " + shape_to_string(block));
    }
    geometry.push_back(geo);
    features.push_back(add_head_front(m.graph, kind, points[k].output, "ee" + std::to_string(k)));
    m.exit_names.push_back(points[k].name);
  }

  std::vector<LinearHead> heads;
  if (training.batches.empty()) {
    for (size_t k = 0; k < points.size(); ++k) {
      const int64_t outputs = classes * std::max<int64_t>(geometry[k].cells, 1);
      heads.push_back(random_head(geometry[k].channels, outputs, training.seed + k));
    }
  } else {
    Graph probe = m.graph;
    for (ValueId f : features) probe.outputs.push_back(f);
    ASSIGN_OR_RETURN(std::unique_ptr<Session> session, Session::from_graph(probe, training.session));
    std::vector<FitData> data(points.size());
    for (size_t b = 0; b < training.batches.size(); ++b) {
      ASSIGN_OR_RETURN(std::vector<NamedTensor> outs, run_batch(*session, training.batches[b]));
      const Tensor* labels = training.labels.empty() ? nullptr : &training.labels[b];
      for (size_t k = 0; k < points.size(); ++k) {
        RETURN_IF_ERROR(add_batch(geometry[k], outs[k + 1].tensor, outs[0].tensor, labels, training.pixels_per_sample,
                                  classes, &data[k]));
      }
    }
    for (size_t k = 0; k < points.size(); ++k) {
      FitReport report;
      ASSIGN_OR_RETURN(LinearHead head, fit_softmax_regression(data[k].features, data[k].targets, data[k].rows,
                                                               geometry[k].channels, classes, training.fit, &report));
      heads.push_back(std::move(head));
      m.fits.push_back(report);
    }
  }
  const std::string& out_name = model.value(output).name;
  for (size_t k = 0; k < points.size(); ++k) {
    const ValueId logits = add_head_back(m.graph, geometry[k], out_shape, features[k], heads[k], "ee" + std::to_string(k),
                                         exit_output_name(out_name, k));
    m.graph.outputs.push_back(logits);
  }
  return m;
}

Result<std::vector<ExitRun>> run_all_exits(const MultiExitModel& model,
                                           const std::vector<std::vector<NamedTensor>>& batches,
                                           const SessionOptions& options) {
  const size_t exits = model.exit_names.size();
  Graph probe = model.graph;
  for (size_t k = 0; k < exits; ++k) probe.outputs.push_back(scored_value(probe, probe.outputs[k + 1]).value);
  ASSIGN_OR_RETURN(std::unique_ptr<Session> session, Session::from_graph(probe, options));
  std::vector<ExitRun> results;
  for (const auto& batch : batches) {
    ASSIGN_OR_RETURN(std::vector<NamedTensor> outs, run_batch(*session, batch));
    ExitRun run;
    for (size_t k = 0; k < exits; ++k) run.outputs.push_back(std::move(outs[k + 1]));
    run.outputs.push_back(std::move(outs[0]));  // exits first, then the final output
    for (size_t k = 0; k < exits; ++k) run.scored.push_back(std::move(outs[exits + 1 + k].tensor));
    results.push_back(std::move(run));
  }
  return results;
}

Result<Graph> arm_exits(const MultiExitModel& model, const std::vector<float>& thresholds, ExitRule rule) {
  const size_t exits = model.exit_names.size();
  if (thresholds.size() != exits)
    return invalid_argument(std::to_string(thresholds.size()) + " thresholds for " + std::to_string(exits) + " exits");
  if (model.graph.outputs.size() != exits + 1)
    return invalid_argument("not a multi-exit model: " + std::to_string(model.graph.outputs.size()) +
                            " outputs for " + std::to_string(exits) + " exits");
  Graph g = model.graph;
  const ValueId final_logits = g.outputs[0];
  const std::string out_name = g.value(final_logits).name;
  RETURN_IF_ERROR(g.rename_value(final_logits, g.unique_name(out_name + ".final")));
  ValueId merged = kNoValue, taken = kNoValue;
  for (size_t k = 0; k <= exits; ++k) {
    const bool last = k == exits;
    const ValueId logits = last ? final_logits : g.outputs[k + 1];
    const ScoredValue scored = last ? ScoredValue{logits, false} : scored_value(g, logits);
    const ValueId merged_out = last ? g.value_id(out_name) : new_value(g, "ee" + std::to_string(k) + ".merged");
    const ValueId taken_out =
        last ? g.value_id(g.unique_name(kExitIndexOutput)) : new_value(g, "ee" + std::to_string(k) + ".taken");
    std::vector<ValueId> inputs{scored.value};
    if (k > 0) inputs.insert(inputs.end(), {merged, taken});
    Node n = make_node(g, "ee" + std::to_string(k) + ".exit", OpType::kEarlyExit, inputs, {merged_out, taken_out});
    n.attrs.set_int(early_exit_attr::kExitIndex, static_cast<int64_t>(k));
    n.attrs.set_string(early_exit_attr::kRule, last ? early_exit_attr::kAlways : exit_rule_name(rule));
    n.attrs.set_float(early_exit_attr::kThreshold, last ? 0.f : thresholds[k]);
    // Upsampled exit logits are shaped like the model's output.
    if (scored.upsampled) n.attrs.set_ints(early_exit_attr::kUpsample, {model.output_shape.at(2), model.output_shape.at(3)});
    if (last) {
      g.nodes.push_back(std::move(n));
    } else {
      hoist_producer(g, scored.value);
      insert_after_producer(g, scored.value, {std::move(n)});
    }
    merged = merged_out;
    taken = taken_out;
  }
  g.value(merged).dtype = DType::kF32;
  g.value(taken).dtype = DType::kI64;
  g.outputs = {merged, taken};
  return g;
}

}  // namespace edgerun::early_exit
