#include "operators/sptq/qdq_insert.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace edgerun::sptq {

namespace {

constexpr int kAllInputs = -1;

// How a quantized op's inputs are treated (see the header).
struct OpRole {
  OpType op;
  int activation;               // the activation input, or kAllInputs
  int weight;                   // constant -> int8 per channel; else an activation (-1: none)
  bool needs_weight;            // the node stays float unless the weight is constant (Conv)
  bool bias;                    // input 2 is a bias
  bool shares_input;            // the output reuses input 0's parameters
  bool activation_after;        // a Relu / Clip reading the output alone takes the output's place
  bool needs_quantized_reader;  // quantized only when a quantized op reads its output
};

constexpr OpRole kRoles[] = {
    {OpType::kConv, 0, 1, true, true, false, true, false},
    {OpType::kGemm, 0, 1, false, true, false, true, false},
    {OpType::kMatMul, 0, 1, false, false, false, true, false},
    {OpType::kAdd, kAllInputs, -1, false, false, false, true, true},
    {OpType::kMaxPool, 0, -1, false, false, true, false, false},
    {OpType::kAveragePool, 0, -1, false, false, false, false, false},
    {OpType::kGlobalAveragePool, 0, -1, false, false, false, false, false},
    {OpType::kConcat, kAllInputs, -1, false, false, false, false, false},
    {OpType::kResize, 0, -1, false, false, true, false, false},
};

const OpRole* role_of(OpType op) {
  for (const OpRole& r : kRoles) {
    if (r.op == op) return &r;
  }
  return nullptr;
}

bool is_constant(const Graph& g, ValueId v) { return v != kNoValue && g.value(v).constant.has_value(); }
bool is_float(const Graph& g, ValueId v) {
  return v != kNoValue && (is_constant(g, v) ? g.value(v).constant->dtype() : g.value(v).dtype) == DType::kF32;
}

// The activation inputs of a quantized node (constant ones included).
std::vector<int> activation_slots(const Node& node, const OpRole& role) {
  std::vector<int> slots;
  if (role.activation == kAllInputs) {
    for (size_t i = 0; i < node.inputs.size(); ++i) slots.push_back(static_cast<int>(i));
  } else {
    slots.push_back(role.activation);
  }
  return slots;
}

bool weight_is_constant(const Graph& g, const Node& node, const OpRole& role) {
  return role.weight >= 0 && static_cast<size_t>(role.weight) < node.inputs.size() &&
         is_constant(g, node.inputs[static_cast<size_t>(role.weight)]);
}

// Every operand the node quantizes is float32 and present; the weight constant where it must be.
bool quantizable(const Graph& g, const Node& node, const OpRole& role) {
  if (node.outputs.empty() || !is_float(g, node.outputs[0])) return false;
  for (size_t o = 1; o < node.outputs.size(); ++o) {
    if (node.outputs[o] != kNoValue) return false;  // MaxPool's indices
  }
  for (int s : activation_slots(node, role)) {
    if (static_cast<size_t>(s) >= node.inputs.size() || !is_float(g, node.inputs[static_cast<size_t>(s)])) return false;
  }
  if (role.weight >= 0) {
    if (static_cast<size_t>(role.weight) >= node.inputs.size()) return false;
    if (!is_float(g, node.inputs[static_cast<size_t>(role.weight)])) return false;
    if (role.needs_weight && !weight_is_constant(g, node, role)) return false;
  }
  return true;
}

bool is_fusable_activation(const Graph& g, const Node& node) {
  if (node.op == OpType::kRelu) return true;
  if (node.op != OpType::kClip) return false;
  for (size_t i = 1; i < node.inputs.size(); ++i) {
    if (node.inputs[i] != kNoValue && !is_constant(g, node.inputs[i])) return false;
  }
  return true;
}

// Add(x, c) with x a MatMul output by a constant [k, n] weight and c a float constant of n values: PyTorch's Linear on 3-D input
// exports its bias this way, and the pair quantizes as one layer (the engine folds c into the int32
// bias), as ONNX Runtime's QDQ MatMul + Add.
bool is_bias_add(const Graph& g, const Node& add, const Node& matmul) {
  const ValueId x = matmul.outputs[0];
  if (add.op != OpType::kAdd || add.inputs.size() != 2 || add.outputs.size() != 1) return false;
  const ValueId c = add.inputs[add.inputs[0] == x ? 1 : 0];
  const ValueId w = matmul.inputs.size() > 1 ? matmul.inputs[1] : kNoValue;
  if (!is_constant(g, c) || !is_float(g, c) || !is_constant(g, w) || g.value(w).constant->rank() != 2) return false;
  const Tensor& t = *g.value(c).constant;
  const int64_t n = g.value(w).constant->dim(1);
  return t.rank() >= 1 && t.shape().back() == n && t.num_elements() == n;
}

// ---- rewriting ----

class Rewriter {
 public:
  explicit Rewriter(Graph& g) : g_(g) {}

  ValueId new_value(const std::string& base, DType dtype) {
    const ValueId id = g_.value_id(g_.unique_name(base));
    g_.value(id).dtype = dtype;
    return id;
  }
  ValueId constant(const std::string& base, Tensor t) { return g_.add_constant(g_.unique_name(base), std::move(t)); }

  // A Q or DQ node; returns its output.
  ValueId add(const char* op_type, OpType op, const std::string& base, std::vector<ValueId> inputs, ValueId output,
              int64_t axis = -1) {
    Node n;
    n.name = base + "_" + op_type;  // the ONNX writer makes repeated names unique
    n.op_type = op_type;
    n.op = op;
    n.inputs = std::move(inputs);
    n.outputs = {output};
    if (axis >= 0) n.attrs.set_int("axis", axis);
    added_.push_back(std::move(n));
    return output;
  }
  ValueId dequantize(const std::string& base, ValueId q, ValueId scale, ValueId zero_point, int64_t axis = -1) {
    ++dequantize_nodes;
    return add("DequantizeLinear", OpType::kDequantizeLinear, base, {q, scale, zero_point},
               new_value(base + "_dequantized", DType::kF32), axis);
  }

  std::vector<Node>& added() { return added_; }
  int dequantize_nodes = 0;

 private:
  Graph& g_;
  std::vector<Node> added_;
};

// [outer, channels, inner] view of a shape along `axis`.
struct AxisSplit {
  int64_t outer = 1, channels = 1, inner = 1;
};
AxisSplit split_at(const Shape& shape, int64_t axis) {
  AxisSplit s;
  if (axis < 0) {
    s.inner = num_elements(shape);
    return s;
  }
  for (int64_t d = 0; d < static_cast<int64_t>(shape.size()); ++d) {
    (d < axis ? s.outer : d == axis ? s.channels : s.inner) *= shape[static_cast<size_t>(d)];
  }
  return s;
}

struct QuantizedWeight {
  ValueId dequantized = kNoValue;
  std::vector<float> scales;
};

Result<QuantizedWeight> quantize_weight(Graph& g, Rewriter& rw, ValueId w_id, int64_t axis) {
  const Tensor& w = *g.value(w_id).constant;
  const AxisSplit s = split_at(w.shape(), axis);
  std::vector<float> scales(static_cast<size_t>(s.channels), 0.0f);
  const float* x = w.data<float>();
  for (int64_t o = 0; o < s.outer; ++o) {
    for (int64_t c = 0; c < s.channels; ++c) {
      for (int64_t i = 0; i < s.inner; ++i)
        scales[static_cast<size_t>(c)] =
            std::max(scales[static_cast<size_t>(c)], std::fabs(x[(o * s.channels + c) * s.inner + i]));
    }
  }
  for (float& sc : scales) sc = sc > 0.0f ? sc / 127.0f : 1.0f;
  ASSIGN_OR_RETURN(Tensor q, Tensor::allocate(DType::kI8, w.shape()));
  for (int64_t o = 0; o < s.outer; ++o) {
    for (int64_t c = 0; c < s.channels; ++c) {
      for (int64_t i = 0; i < s.inner; ++i) {
        const int64_t k = (o * s.channels + c) * s.inner + i;
        q.data<int8_t>()[k] =
            static_cast<int8_t>(std::clamp(std::nearbyint(x[k] / scales[static_cast<size_t>(c)]), -127.0f, 127.0f));
      }
    }
  }
  const std::string base = g.value(w_id).name;
  const Shape scale_shape = axis < 0 ? Shape{} : Shape{s.channels};
  ValueId q_id = rw.constant(base + "_quantized", std::move(q));
  ValueId scale_id = rw.constant(base + "_scale", Tensor::from_vector<float>(scale_shape, scales));
  ASSIGN_OR_RETURN(Tensor zp, Tensor::allocate(DType::kI8, scale_shape));
  ValueId zp_id = rw.constant(base + "_zero_point", std::move(zp));
  return QuantizedWeight{rw.dequantize(base, q_id, scale_id, zp_id, axis), std::move(scales)};
}

Result<ValueId> quantize_bias(Graph& g, Rewriter& rw, ValueId b_id, float x_scale, const std::vector<float>& w_scales) {
  const Tensor& b = *g.value(b_id).constant;
  const int64_t n = b.num_elements();
  std::vector<float> scales(static_cast<size_t>(n));
  std::vector<int32_t> q(static_cast<size_t>(n));
  for (int64_t c = 0; c < n; ++c) {
    const float s = x_scale * w_scales[w_scales.size() == 1 ? 0 : static_cast<size_t>(c)];
    scales[static_cast<size_t>(c)] = s;
    const double v = std::nearbyint(static_cast<double>(b.data<float>()[c]) / s);
    q[static_cast<size_t>(c)] =
        static_cast<int32_t>(std::clamp(v, static_cast<double>(std::numeric_limits<int32_t>::min()),
                                        static_cast<double>(std::numeric_limits<int32_t>::max())));
  }
  const std::string base = g.value(b_id).name;
  ValueId q_id = rw.constant(base + "_quantized", Tensor::from_vector<int32_t>({n}, q));
  ValueId scale_id = rw.constant(base + "_scale", Tensor::from_vector<float>({n}, scales));
  ValueId zp_id = rw.constant(base + "_zero_point",
                              Tensor::from_vector<int32_t>({n}, std::vector<int32_t>(static_cast<size_t>(n), 0)));
  return rw.dequantize(base, q_id, scale_id, zp_id, 0);
}

ValueId quantize_constant_u8(Graph& g, Rewriter& rw, ValueId id) {
  const Tensor& t = *g.value(id).constant;
  MinMax mm;
  mm.add(t.data<float>(), t.num_elements());
  const U8Params p = u8_params(mm.range());
  std::vector<uint8_t> q(static_cast<size_t>(t.num_elements()));
  for (int64_t i = 0; i < t.num_elements(); ++i)
    q[static_cast<size_t>(i)] =
        static_cast<uint8_t>(std::clamp(std::nearbyint(t.data<float>()[i] / p.scale) + p.zero_point, 0.0f, 255.0f));
  const std::string base = g.value(id).name;
  ValueId q_id = rw.constant(base + "_quantized", Tensor::from_vector<uint8_t>(t.shape(), q));
  ValueId scale_id = rw.constant(base + "_scale", Tensor::scalar<float>(p.scale));
  ValueId zp_id = rw.constant(base + "_zero_point", Tensor::scalar<uint8_t>(static_cast<uint8_t>(p.zero_point)));
  return rw.dequantize(base, q_id, scale_id, zp_id);
}

int64_t weight_axis(const Graph& g, const Node& node) {
  const Tensor& w = *g.value(node.inputs[1]).constant;
  switch (node.op) {
    case OpType::kConv: return 0;
    case OpType::kGemm: return node.attrs.get_int("transB", 0) != 0 ? 0 : 1;
    default: return w.rank() >= 2 ? w.rank() - 1 : -1;
  }
}

}  // namespace

bool is_quantized_op(OpType op) { return role_of(op) != nullptr; }

QdqSelection select_qdq(const Graph& g, const std::vector<bool>& excluded) {
  QdqSelection sel;
  sel.nodes.assign(g.nodes.size(), false);
  const std::vector<int> uses = g.use_counts();
  std::vector<std::vector<int>> readers(g.values.size());
  for (size_t n = 0; n < g.nodes.size(); ++n) {
    for (ValueId in : g.nodes[n].inputs) {
      if (in != kNoValue) readers[static_cast<size_t>(in)].push_back(static_cast<int>(n));
    }
  }
  auto read_by_quantized_op = [&](ValueId v) {
    for (int r : readers[static_cast<size_t>(v)]) {
      if (is_quantized_op(g.nodes[static_cast<size_t>(r)].op) && !excluded[static_cast<size_t>(r)]) return true;
    }
    return false;
  };
  std::vector<bool> chosen(g.values.size(), false);
  std::vector<bool> absorbed(g.nodes.size(), false);  // bias Adds that belong to the MatMul before them
  auto choose = [&](ValueId v) {
    if (v != kNoValue && !is_constant(g, v) && !chosen[static_cast<size_t>(v)]) chosen[static_cast<size_t>(v)] = true;
  };
  for (size_t n = 0; n < g.nodes.size(); ++n) {
    const Node& node = g.nodes[n];
    const OpRole* role = role_of(node.op);
    if (role == nullptr || excluded[n] || !quantizable(g, node, *role)) continue;
    if (absorbed[n]) continue;
    ValueId out = node.outputs[0];
    // The sole reader of v, if it is not excluded and v is no graph output; -1 otherwise.
    auto sole_reader = [&](ValueId v) {
      const std::vector<int>& next = readers[static_cast<size_t>(v)];
      const bool sole = uses[static_cast<size_t>(v)] == 1 && !g.is_output(v) && next.size() == 1 &&
                        !excluded[static_cast<size_t>(next[0])];
      return sole ? next[0] : -1;
    };
    if (const int add = node.op == OpType::kMatMul ? sole_reader(out) : -1;
        add >= 0 && is_bias_add(g, g.nodes[static_cast<size_t>(add)], node)) {
      absorbed[static_cast<size_t>(add)] = true;
      out = g.nodes[static_cast<size_t>(add)].outputs[0];
    }
    if (const int act = role->activation_after ? sole_reader(out) : -1;
        act >= 0 && is_fusable_activation(g, g.nodes[static_cast<size_t>(act)]) &&
        g.nodes[static_cast<size_t>(act)].inputs[0] == out) {
      out = g.nodes[static_cast<size_t>(act)].outputs[0];
    }
    // An Add whose sum only float ops read (a residual into LayerNorm, the attention mask before
    // Softmax, whose range the mask's -1e4 would swamp) gains nothing from int8 and loses accuracy.
    if (role->needs_quantized_reader && !read_by_quantized_op(out)) continue;
    sel.nodes[n] = true;
    for (int s : activation_slots(node, *role)) choose(node.inputs[static_cast<size_t>(s)]);
    if (role->weight >= 0 && !weight_is_constant(g, node, *role))
      choose(node.inputs[static_cast<size_t>(role->weight)]);
    choose(out);
    if (role->shares_input && !is_constant(g, node.inputs[0])) sel.shared[out] = node.inputs[0];
  }
  // Graph order: inputs first, then outputs of nodes in order.
  for (ValueId in : g.inputs) {
    if (chosen[static_cast<size_t>(in)]) sel.tensors.push_back(in);
  }
  for (const Node& node : g.nodes) {
    for (ValueId o : node.outputs) {
      if (o != kNoValue && chosen[static_cast<size_t>(o)]) sel.tensors.push_back(o);
    }
  }
  return sel;
}

Result<QdqInsertion> insert_qdq(Graph& g, const QdqSelection& sel, const std::map<ValueId, Range>& ranges) {
  QdqInsertion result;
  std::map<ValueId, U8Params> params;
  for (ValueId t : sel.tensors) {
    ValueId source = t;
    for (int hops = 0; sel.shared.count(source) && hops < 1000; ++hops) source = sel.shared.at(source);
    auto it = ranges.find(source);
    if (it == ranges.end()) return internal_error("no calibrated range for tensor '" + g.value(source).name + "'");
    params[t] = u8_params(it->second);
  }
  // Readers of each quantized tensor, before anything is rewired.
  std::map<ValueId, std::vector<size_t>> readers;
  for (size_t n = 0; n < g.nodes.size(); ++n) {
    for (ValueId in : g.nodes[n].inputs) {
      if (params.count(in) && (readers[in].empty() || readers[in].back() != n)) readers[in].push_back(n);
    }
  }
  Rewriter rw(g);
  // 1. Constant operands of quantized nodes: weights, biases, constant activations.
  std::map<std::pair<ValueId, int64_t>, QuantizedWeight> weights;
  std::map<ValueId, ValueId> constants;
  for (size_t n = 0; n < g.nodes.size(); ++n) {
    if (!sel.nodes[n]) continue;
    const OpRole& role = *role_of(g.nodes[n].op);
    ++result.quantized_ops[g.nodes[n].op_type];
    const ValueId x = g.nodes[n].inputs[0];
    for (int s : activation_slots(g.nodes[n], role)) {
      ValueId& in = g.nodes[n].inputs[static_cast<size_t>(s)];
      if (!is_constant(g, in)) continue;
      if (!constants.count(in)) constants[in] = quantize_constant_u8(g, rw, in);
      in = constants.at(in);
    }
    if (!weight_is_constant(g, g.nodes[n], role)) continue;
    const int64_t axis = weight_axis(g, g.nodes[n]);
    const auto key = std::make_pair(g.nodes[n].inputs[1], axis);
    if (!weights.count(key)) {
      ASSIGN_OR_RETURN(weights[key], quantize_weight(g, rw, key.first, axis));
    }
    const QuantizedWeight& w = weights.at(key);
    g.nodes[n].inputs[1] = w.dequantized;
    if (!role.bias || g.nodes[n].inputs.size() < 3 || !params.count(x)) continue;
    const ValueId b = g.nodes[n].inputs[2];
    const int64_t channels = static_cast<int64_t>(w.scales.size());
    if (!is_float(g, b) || !is_constant(g, b) || g.value(b).constant->rank() != 1 ||
        (channels > 1 && g.value(b).constant->num_elements() != channels))
      continue;
    ASSIGN_OR_RETURN(g.nodes[n].inputs[2], quantize_bias(g, rw, b, params.at(x).scale, w.scales));
  }
  // 2. One QuantizeLinear per activation tensor, a DequantizeLinear per reader and graph output.
  for (ValueId t : sel.tensors) {
    const U8Params& p = params.at(t);
    const std::string base = g.value(t).name;
    const bool graph_input = std::find(g.inputs.begin(), g.inputs.end(), t) != g.inputs.end();
    const bool rename = g.is_output(t) && !graph_input;
    ValueId source = t;
    if (rename) {
      source = rw.new_value(base + "_prequant", g.value(t).dtype);
      for (Node& node : g.nodes) {
        for (ValueId& o : node.outputs) {
          if (o == t) o = source;
        }
      }
    }
    ValueId scale = rw.constant(base + "_scale", Tensor::scalar<float>(p.scale));
    ValueId zp = rw.constant(base + "_zero_point", Tensor::scalar<uint8_t>(static_cast<uint8_t>(p.zero_point)));
    ValueId q = rw.add("QuantizeLinear", OpType::kQuantizeLinear, base, {source, scale, zp},
                       rw.new_value(base + "_quantized", DType::kU8));
    ++result.quantize_nodes;
    for (size_t n : readers[t]) {
      const ValueId dq = rw.dequantize(base, q, scale, zp);
      for (ValueId& in : g.nodes[n].inputs) {
        if (in == t) in = dq;
      }
      if (!result.dequantized.count(t)) result.dequantized[t] = dq;
    }
    if (rename) {
      rw.add("DequantizeLinear", OpType::kDequantizeLinear, base, {q, scale, zp}, t);
      ++rw.dequantize_nodes;
      result.dequantized[t] = t;
    }
  }
  result.dequantize_nodes = rw.dequantize_nodes;
  if (!g.opsets.count("") || g.opsets.at("") < 13) g.opsets[""] = 13;
  for (Node& node : rw.added()) {
    node.opset = static_cast<int>(g.opsets.at(""));
    g.nodes.push_back(std::move(node));
  }
  RETURN_IF_ERROR(g.topological_sort());
  return result;
}

}  // namespace edgerun::sptq
