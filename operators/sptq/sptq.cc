#include "operators/sptq/sptq.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "engine/ops/kernel_context.h"
#include "engine/ops/op_kernels.h"
#include "graph/passes/eliminate_dead_nodes.h"
#include "graph/passes/fold_batch_norm.h"
#include "graph/passes/infer_shapes.h"
#include "operators/sptq/qdq_insert.h"

namespace edgerun::sptq {

namespace {

// Replaces nodes computed from constants alone (not from shapes, which would tie the graph to the
// calibration batch) by the values shape inference folded in `folded`.
void fold_constant_nodes(Graph& g, const Graph& folded) {
  std::vector<bool> constant(g.values.size());
  for (size_t v = 0; v < g.values.size(); ++v) constant[v] = g.values[v].constant.has_value();
  std::vector<Node> kept;
  for (Node& node : g.nodes) {
    bool foldable = node.op != OpType::kShape && node.op != OpType::kSize;
    for (ValueId in : node.inputs) foldable = foldable && (in == kNoValue || constant[static_cast<size_t>(in)]);
    for (ValueId o : node.outputs) {
      if (o == kNoValue) continue;
      auto f = folded.find_value(g.value(o).name);
      foldable = foldable && f && folded.value(*f).constant.has_value();
    }
    if (!foldable) {
      kept.push_back(std::move(node));
      continue;
    }
    for (ValueId o : node.outputs) {
      if (o == kNoValue) continue;
      g.value(o).constant = *folded.value(*folded.find_value(g.value(o).name)).constant;
      constant[static_cast<size_t>(o)] = true;
    }
  }
  g.nodes = std::move(kept);
}

// Runs `graph` (with the tensors as extra outputs) on each sample and hands each tensor's float data
// to `visit(index, data, count)`.
template <typename Visit>
Status for_each_activation(Session& session, const std::vector<std::string>& names,
                           const std::vector<std::vector<NamedTensor>>& samples, size_t max_samples, Visit visit) {
  std::map<std::string, size_t> output_index;
  for (size_t i = 0; i < session.graph().outputs.size(); ++i)
    output_index[session.graph().value(session.graph().outputs[i]).name] = i;
  for (size_t s = 0; s < samples.size() && s < max_samples; ++s) {
    std::vector<NamedTensor> outputs;
    RETURN_IF_ERROR(session.run(samples[s], &outputs).with_context("calibration sample " + std::to_string(s)));
    for (size_t t = 0; t < names.size(); ++t) {
      const Tensor* x = nullptr;
      for (const NamedTensor& in : samples[s]) {
        if (in.name == names[t]) x = &in.tensor;
      }
      auto it = output_index.find(names[t]);
      if (x == nullptr && it != output_index.end()) x = &outputs[it->second].tensor;
      if (x == nullptr || x->dtype() != DType::kF32)
        return internal_error("tensor '" + names[t] + "' is not a float32 input or output of the run");
      visit(t, *x);
    }
  }
  return Status::Ok();
}

// A copy of `g` that also outputs `tensors` (graph inputs excluded: the samples hold them).
Result<std::unique_ptr<Session>> probe_session(const Graph& g, const std::vector<ValueId>& tensors, int threads) {
  Graph probe = g;
  for (ValueId t : tensors) {
    const bool input = std::find(probe.inputs.begin(), probe.inputs.end(), t) != probe.inputs.end();
    if (!input && !probe.is_output(t)) probe.outputs.push_back(t);
  }
  SessionOptions options;
  options.threads = threads;
  return Session::from_graph(std::move(probe), options);
}

Result<std::vector<bool>> excluded_nodes(const Graph& g, const Graph& fp32, const std::vector<std::string>& exclude,
                                         std::vector<std::string>* names) {
  std::vector<bool> excluded(g.nodes.size(), false);
  for (const std::string& e : exclude) {
    bool known = false;
    for (size_t n = 0; n < g.nodes.size(); ++n) {
      if (g.nodes[n].name != e && g.nodes[n].op_type != e) continue;
      known = true;
      if (!excluded[n]) names->push_back(g.nodes[n].name);
      excluded[n] = true;
    }
    for (const Node& node : fp32.nodes) known = known || node.name == e || node.op_type == e;
    if (!known) return not_found("exclude '" + e + "' names no node and no op type of the model");
  }
  return excluded;
}

struct Similarity {
  double xx = 0.0, yy = 0.0, xy = 0.0, ee = 0.0;
  void add(const Tensor& x, const Tensor& y) {
    const int64_t n = std::min(x.num_elements(), y.num_elements());
    for (int64_t i = 0; i < n; ++i) {
      const double a = x.data<float>()[i], b = y.data<float>()[i];
      xx += a * a;
      yy += b * b;
      xy += a * b;
      ee += (a - b) * (a - b);
    }
  }
  double sqnr_db() const {
    if (ee == 0.0) return std::numeric_limits<double>::infinity();
    return xx == 0.0 ? -std::numeric_limits<double>::infinity() : 10.0 * std::log10(xx / ee);
  }
  double cosine() const {
    if (xx == 0.0 || yy == 0.0) return xx == yy ? 1.0 : 0.0;
    return xy / std::sqrt(xx * yy);
  }
};

Result<std::vector<TensorReport>> make_report(const Graph& prepared, Session& fp32, const QdqSelection& sel,
                                              const Graph& qdq, const QdqInsertion& insertion,
                                              const std::vector<std::vector<NamedTensor>>& samples, int threads) {
  std::vector<ValueId> dequantized;
  std::vector<std::string> fp32_names, qdq_names;
  for (ValueId t : sel.tensors) {
    fp32_names.push_back(prepared.value(t).name);
    auto it = insertion.dequantized.find(t);
    dequantized.push_back(it == insertion.dequantized.end() ? t : it->second);
    qdq_names.push_back(qdq.value(dequantized.back()).name);
  }
  ASSIGN_OR_RETURN(std::unique_ptr<Session> quantized, probe_session(qdq, dequantized, threads));
  std::vector<Similarity> sims(sel.tensors.size());
  for (size_t s = 0; s < samples.size() && s < kReportSamples; ++s) {
    const std::vector<std::vector<NamedTensor>> one{samples[s]};
    std::vector<Tensor> reference(sel.tensors.size());
    RETURN_IF_ERROR(
        for_each_activation(fp32, fp32_names, one, 1, [&](size_t t, const Tensor& x) { reference[t] = x; }));
    RETURN_IF_ERROR(for_each_activation(*quantized, qdq_names, one, 1,
                                        [&](size_t t, const Tensor& y) { sims[t].add(reference[t], y); }));
  }
  const std::vector<int> producer = prepared.producers();
  std::vector<TensorReport> report;
  for (size_t t = 0; t < sel.tensors.size(); ++t) {
    const int p = producer[static_cast<size_t>(sel.tensors[t])];
    report.push_back({fp32_names[t], p < 0 ? "input" : prepared.nodes[static_cast<size_t>(p)].op_type,
                      sims[t].sqnr_db(), sims[t].cosine()});
  }
  return report;
}

}  // namespace

Result<Graph> prepare_for_quantization(const Graph& fp32, const std::map<std::string, Shape>& input_shapes) {
  Graph folded = fp32;
  const NodeEvaluator evaluator = evaluate_node;
  ShapeInferenceOptions infer_options;
  infer_options.fold = &evaluator;
  RETURN_IF_ERROR(infer_shapes(folded, input_shapes, infer_options));
  Graph g = fp32;
  RETURN_IF_ERROR(g.topological_sort());
  fold_constant_nodes(g, folded);
  // Element types from inference; shapes stay as declared (they may be symbolic).
  for (Value& v : g.values) {
    auto f = folded.find_value(v.name);
    if (v.dtype == DType::kUndefined && f) v.dtype = folded.value(*f).dtype;
  }
  RETURN_IF_ERROR(fold_batch_norm(g).status());
  eliminate_dead_nodes(g);
  return g;
}

Result<SptqResult> quantize(const Graph& fp32, const std::vector<std::vector<NamedTensor>>& samples,
                            const SptqOptions& options, bool with_report) {
  if (samples.empty()) return invalid_argument("quantization needs at least one calibration sample");
  if (options.calibrator == Calibrator::kPercentile && !(options.percentile > 0.0 && options.percentile <= 100.0))
    return invalid_argument("percentile must be in (0, 100], got " + std::to_string(options.percentile));
  for (const Node& node : fp32.nodes) {
    if (node.op == OpType::kQuantizeLinear || node.op == OpType::kDequantizeLinear ||
        node.op == OpType::kDynamicQuantizeLinear)
      return invalid_argument("the model is quantized already (" + node.describe() +
                              "): a QAT / QDQ model runs as it is");
  }
  std::map<std::string, Shape> shapes;
  for (const NamedTensor& in : samples[0]) shapes[in.name] = in.tensor.shape();
  ASSIGN_OR_RETURN(Graph g, prepare_for_quantization(fp32, shapes));
  SptqResult result;
  ASSIGN_OR_RETURN(std::vector<bool> excluded, excluded_nodes(g, fp32, options.exclude, &result.excluded));
  const QdqSelection sel = select_qdq(g, excluded);

  // Calibration: the tensors whose range is their own (shared ones take their source's).
  std::vector<ValueId> calibrated;
  std::vector<std::string> names;
  for (ValueId t : sel.tensors) {
    if (sel.shared.count(t)) continue;
    calibrated.push_back(t);
    names.push_back(g.value(t).name);
  }
  ASSIGN_OR_RETURN(std::unique_ptr<Session> session, probe_session(g, sel.tensors, options.threads));
  std::vector<MinMax> minmax(calibrated.size());
  RETURN_IF_ERROR(for_each_activation(*session, names, samples, samples.size(), [&](size_t t, const Tensor& x) {
    minmax[t].add(x.data<float>(), x.num_elements());
  }));
  std::vector<Histogram> histograms;
  if (needs_histogram(options.calibrator)) {
    for (const MinMax& m : minmax) histograms.emplace_back(m.range());
    RETURN_IF_ERROR(for_each_activation(*session, names, samples, samples.size(), [&](size_t t, const Tensor& x) {
      histograms[t].add(x.data<float>(), x.num_elements());
    }));
  }
  std::map<ValueId, Range> ranges;
  for (size_t t = 0; t < calibrated.size(); ++t) {
    ASSIGN_OR_RETURN(
        ranges[calibrated[t]],
        calibrate(options.calibrator, minmax[t], histograms.empty() ? nullptr : &histograms[t], options.percentile));
  }

  result.graph = g;
  ASSIGN_OR_RETURN(QdqInsertion insertion, insert_qdq(result.graph, sel, ranges));
  eliminate_dead_nodes(result.graph);
  result.quantized_ops = insertion.quantized_ops;
  result.ranges = static_cast<int>(calibrated.size());
  result.quantize_nodes = insertion.quantize_nodes;
  result.dequantize_nodes = insertion.dequantize_nodes;
  if (with_report) {
    ASSIGN_OR_RETURN(result.report, make_report(g, *session, sel, result.graph, insertion, samples, options.threads));
  }
  return result;
}

}  // namespace edgerun::sptq
