#include "bench/layer_shapes.h"

#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

namespace edgerun::bench {

namespace {

using Fields = std::map<std::string, std::string>;

// "1x64x56x56" or "2,2" -> numbers; false on anything else.
bool parse_list(const std::string& text, char sep, std::vector<int64_t>* out) {
  out->clear();
  std::istringstream parts(text);
  for (std::string part; std::getline(parts, part, sep);) {
    char* end = nullptr;
    const long long v = std::strtoll(part.c_str(), &end, 10);
    if (part.empty() || *end != '\0' || v < 0) return false;
    out->push_back(v);
  }
  return !out->empty();
}

Result<std::vector<int64_t>> field_list(const Fields& f, const std::string& key, char sep, size_t rank) {
  auto it = f.find(key);
  std::vector<int64_t> v;
  if (it == f.end() || !parse_list(it->second, sep, &v) || (rank != 0 && v.size() != rank)) {
    return invalid_argument("bad or missing '" + key + "'");
  }
  return v;
}

int64_t product(const std::vector<int64_t>& v, size_t begin, size_t end) {
  int64_t p = 1;
  for (size_t i = begin; i < end; ++i) p *= v[i];
  return p;
}

// ReLU and Clip fuse into the kernels' epilogue; other activations run as a separate pass.
kernels::Epilogue epilogue_of(const Fields& f) {
  kernels::Epilogue e;
  auto it = f.find("act");
  if (it == f.end()) return e;
  float lo = 0, hi = 0;
  if (it->second == "Relu") e.min = 0;
  if (std::sscanf(it->second.c_str(), "Clip(%f,%f)", &lo, &hi) == 2) e.min = lo, e.max = hi;
  return e;
}

std::string layer_prefix(size_t index) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "L%03zu", index);
  return buf;
}

std::string dims_name(const std::vector<int64_t>& v, const char* sep) {
  std::string s;
  for (size_t i = 0; i < v.size(); ++i) s += (i ? sep : "") + std::to_string(v[i]);
  return s;
}

// "s2" when both strides match, else "s2x1" (likewise for dilation).
std::string pair_name(const char* tag, int64_t a, int64_t b) {
  return tag + std::to_string(a) + (a == b ? "" : "x" + std::to_string(b));
}

Result<Layer<kernels::Conv2dShape>> conv_layer(const Fields& f) {
  ASSIGN_OR_RETURN(auto w, field_list(f, "w", 'x', 0));
  if (w.size() != 4) return unsupported("not a 2-D convolution");
  ASSIGN_OR_RETURN(auto out, field_list(f, "out", 'x', 4));
  ASSIGN_OR_RETURN(auto stride, field_list(f, "stride", ',', 2));
  ASSIGN_OR_RETURN(auto pad, field_list(f, "pad", ',', 4));
  ASSIGN_OR_RETURN(auto dil, field_list(f, "dil", ',', 2));
  ASSIGN_OR_RETURN(auto group, field_list(f, "group", ',', 1));
  Layer<kernels::Conv2dShape> layer;
  kernels::Conv2dShape& s = layer.shape;
  s.batch = out[0];
  s.out_channels = out[1];
  s.out_h = out[2];
  s.out_w = out[3];
  s.groups = group[0];
  s.in_channels = w[1] * s.groups;
  s.kernel_h = w[2];
  s.kernel_w = w[3];
  s.stride_h = stride[0];
  s.stride_w = stride[1];
  s.pad_top = pad[0];
  s.pad_left = pad[1];
  s.dilation_h = dil[0];
  s.dilation_w = dil[1];
  // The smallest input whose padded extent yields out_h rows: (out - 1) * stride + span of the kernel.
  s.in_h = (s.out_h - 1) * s.stride_h + s.dilation_h * (s.kernel_h - 1) + 1 - pad[0] - pad[2];
  s.in_w = (s.out_w - 1) * s.stride_w + s.dilation_w * (s.kernel_w - 1) + 1 - pad[1] - pad[3];
  if (w[0] != s.out_channels || s.groups == 0 || s.out_channels % s.groups != 0 || s.in_h <= 0 || s.in_w <= 0 ||
      s.stride_h == 0 || s.stride_w == 0 || s.dilation_h == 0 || s.dilation_w == 0) {
    return invalid_argument("inconsistent Conv shape");
  }
  layer.bias = f.count("bias") && f.at("bias") == "1";
  layer.epilogue = epilogue_of(f);
  layer.name = dims_name(w, "x") + "_" + pair_name("s", s.stride_h, s.stride_w) + "_" +
               pair_name("d", s.dilation_h, s.dilation_w) + "_g" + std::to_string(s.groups) + "_" +
               std::to_string(s.out_h) + "x" + std::to_string(s.out_w);
  return layer;
}

// Gemm w=NxK (transB=1) or KxN; MatMul with a 2-D constant right operand w=KxN.
Result<Layer<kernels::DenseShape>> dense_layer(const std::string& op, const Fields& f) {
  ASSIGN_OR_RETURN(auto w, field_list(f, "w", 'x', 2));
  ASSIGN_OR_RETURN(auto out, field_list(f, "out", 'x', 0));
  if (f.count("transA") && f.at("transA") != "0") return unsupported("Gemm with transA=1");
  Layer<kernels::DenseShape> layer;
  kernels::DenseShape& s = layer.shape;
  s.transpose_b = op == "Gemm" && f.count("transB") && f.at("transB") == "1";
  s.n = s.transpose_b ? w[0] : w[1];
  s.k = s.transpose_b ? w[1] : w[0];
  s.m = product(out, 0, out.size() - 1);
  if (out.back() != s.n) return invalid_argument("output columns differ from the weight's");
  layer.bias = op == "Gemm";  // the exporter keeps Linear's bias in Gemm, and in a separate Add after MatMul
  layer.epilogue = epilogue_of(f);
  layer.name = "m" + std::to_string(s.m) + "_n" + std::to_string(s.n) + "_k" + std::to_string(s.k) +
               (s.transpose_b ? "_tb" : "");
  return layer;
}

// MatMul whose right operand is batched: w=...xKxN, out=...xMxN.
Result<Layer<MatMulShape>> matmul_layer(const Fields& f) {
  ASSIGN_OR_RETURN(auto w, field_list(f, "w", 'x', 0));
  ASSIGN_OR_RETURN(auto out, field_list(f, "out", 'x', w.size()));
  Layer<MatMulShape> layer;
  MatMulShape& s = layer.shape;
  s.batch = product(out, 0, out.size() - 2);
  s.m = out[out.size() - 2];
  s.n = out.back();
  s.k = w[w.size() - 2];
  if (w.back() != s.n) return invalid_argument("output columns differ from the right operand's");
  layer.name = "b" + std::to_string(s.batch) + "_m" + std::to_string(s.m) + "_n" + std::to_string(s.n) + "_k" +
               std::to_string(s.k);
  return layer;
}

// Keeps the first layer of each distinct shape, bias and activation (`seen` maps them to its
// position), counting repeats, and names it after its position in the model.
template <typename Shape>
void add_unique(std::vector<Layer<Shape>>* layers, std::map<std::string, size_t>* seen, Layer<Shape> layer,
                size_t index) {
  char key_suffix[64];
  std::snprintf(key_suffix, sizeof key_suffix, "/%d/%g/%g", layer.bias ? 1 : 0, layer.epilogue.min, layer.epilogue.max);
  const auto [it, inserted] = seen->emplace(layer.name + key_suffix, layers->size());
  if (!inserted) {
    ++(*layers)[it->second].count;
    return;
  }
  layer.name = layer_prefix(index) + "_" + layer.name;
  layers->push_back(std::move(layer));
}

}  // namespace

Result<ModelLayers> read_model_layers(const std::string& sig_path, const std::string& model) {
  std::ifstream in(sig_path);
  if (!in) return not_found("cannot read " + sig_path);
  ModelLayers result;
  result.model = model;
  std::map<std::string, size_t> seen_conv, seen_dense, seen_matmul;
  size_t index = 0, line_number = 0;
  for (std::string line; std::getline(in, line);) {
    ++line_number;
    std::istringstream words(line);
    std::string op;
    words >> op;
    if (op != "Conv" && op != "Gemm" && op != "MatMul") continue;
    Fields fields;
    for (std::string word; words >> word;) {
      const size_t eq = word.find('=');
      if (eq != std::string::npos) fields[word.substr(0, eq)] = word.substr(eq + 1);
    }
    // Layers outside the families (Conv1d, Gemm with transA) are left out; malformed lines are errors.
    const auto add = [&](auto parsed, auto* layers, std::map<std::string, size_t>* seen) -> Status {
      if (parsed.ok()) {
        add_unique(layers, seen, std::move(parsed).value(), index);
        return Status();
      }
      if (parsed.status().code() == StatusCode::kUnsupported) return Status();
      return invalid_argument(sig_path + ":" + std::to_string(line_number) + ": " + parsed.status().message());
    };
    const bool matrix_weight = fields["w"].find('x') == fields["w"].rfind('x');  // MatMul with a 2-D weight
    if (op == "Conv") {
      RETURN_IF_ERROR(add(conv_layer(fields), &result.conv, &seen_conv));
    } else if (op == "Gemm" || matrix_weight) {
      RETURN_IF_ERROR(add(dense_layer(op, fields), &result.dense, &seen_dense));
    } else {
      RETURN_IF_ERROR(add(matmul_layer(fields), &result.matmul, &seen_matmul));
    }
    ++index;
  }
  return result;
}

Result<std::vector<ModelLayers>> read_zoo_layers(const std::string& zoo_dir, const std::string& models) {
  std::vector<ModelLayers> all;
  std::istringstream names(models);
  for (std::string spec; std::getline(names, spec, ',');) {
    if (spec.empty()) continue;
    const size_t colon = spec.find(':');
    const std::string name = spec.substr(0, colon), filter = colon == std::string::npos ? "" : spec.substr(colon + 1);
    if (!filter.empty() && filter != "dilated") return invalid_argument("unknown layer filter '" + filter + "'");
    ASSIGN_OR_RETURN(ModelLayers layers, read_model_layers(zoo_dir + "/" + name + ".sig", name));
    if (filter == "dilated") {
      layers.dense.clear();
      layers.matmul.clear();
      std::vector<Layer<kernels::Conv2dShape>> dilated;
      for (auto& layer : layers.conv) {
        if (layer.shape.dilation_h > 1 || layer.shape.dilation_w > 1) dilated.push_back(std::move(layer));
      }
      layers.conv = std::move(dilated);
    }
    all.push_back(std::move(layers));
  }
  return all;
}

}  // namespace edgerun::bench
