// edgerun export --model NAME -o FILE: builds a zoo model natively (models/zoo) and writes it as ONNX.
// edgerun export --list prints the zoo's models.
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "graph/onnx/onnx_writer.h"
#include "graph/passes/infer_shapes.h"
#include "models/zoo/zoo.h"
#include "tools/edgerun/commands.h"

namespace edgerun::cli {

namespace {

// Sizes past these are mistakes, not models (the zoo's own sizes are 128 tokens and 800 pixels at most).
constexpr int64_t kMaxImageSize = 4096;
constexpr int64_t kMaxSequenceLength = 8192;

struct ExportArgs {
  bool list = false;
  std::string model;
  std::string output;
  uint64_t seed = 1;
  int64_t image_size = 0;  // 0: the model's own
  int64_t sequence_length = 0;
  const CLI::Option* image_size_option = nullptr;
  const CLI::Option* sequence_length_option = nullptr;
};

int fail(const Status& st) {
  std::fprintf(stderr, "edgerun export: %s\n", st.to_string().c_str());
  return 1;
}

int list() {
  const std::vector<zoo::ZooEntry> entries = zoo::zoo_entries();
  int name_width = 0, architecture_width = 0;
  for (const zoo::ZooEntry& e : entries) {
    name_width = std::max(name_width, static_cast<int>(std::strlen(e.name)));
    architecture_width = std::max(architecture_width, static_cast<int>(std::strlen(e.architecture)));
  }
  for (const zoo::ZooEntry& e : entries) {
    std::printf("%-*s  %-*s  %s\n", name_width, e.name, architecture_width, e.architecture, e.reference);
  }
  return 0;
}

Status check_size(const CLI::Option* option, int64_t value, int64_t max) {
  if (option->count() == 0) return Status::Ok();
  if (value < 1 || value > max) {
    return invalid_argument(option->get_name() + " must be between 1 and " + std::to_string(max) + ", not " +
                            std::to_string(value));
  }
  return Status::Ok();
}

// Fails fast, before a large model is built, where the file cannot be created (the write checks again).
Status check_writable(const std::string& path) {
  const std::filesystem::path p(path);
  std::error_code ec;
  if (std::filesystem::is_directory(p, ec)) return io_error("cannot write '" + path + "': it is a folder");
  const std::string folder = p.has_parent_path() ? p.parent_path().string() : ".";
  if (access(folder.c_str(), W_OK) != 0) return io_error("cannot write '" + path + "': " + std::strerror(errno));
  return Status::Ok();
}

// The zoo's builders declare their inputs only. ONNX tools expect typed graph outputs, so the outputs
// get the inferred element type, and the inferred shape where every input dim is concrete.
Status declare_outputs(Graph* g) {
  std::map<std::string, Shape> input_shapes;
  bool concrete = true;
  for (ValueId id : g->inputs) {
    Shape& shape = input_shapes[g->value(id).name];
    for (const SymDim& d : g->value(id).shape) {
      concrete = concrete && d.known();
      shape.push_back(d.known() ? d.size : 1);
    }
  }
  Graph inferred = *g;
  RETURN_IF_ERROR(infer_shapes(inferred, input_shapes));
  for (ValueId id : g->outputs) {
    Value& v = g->value(id);
    const Value& w = inferred.value(id);
    if (v.dtype != DType::kUndefined || v.constant) continue;
    v.dtype = w.dtype;
    if (concrete && w.has_shape) {
      v.has_shape = true;
      v.shape = w.shape;
    }
  }
  return Status::Ok();
}

int export_model(const ExportArgs& args) {
  if (args.list) return list();
  if (args.model.empty()) return fail(invalid_argument("--model NAME is required (--list shows the names)"));
  if (args.output.empty()) return fail(invalid_argument("-o FILE is required"));
  Status st = check_size(args.image_size_option, args.image_size, kMaxImageSize);
  if (st.ok()) st = check_size(args.sequence_length_option, args.sequence_length, kMaxSequenceLength);
  if (st.ok()) st = check_writable(args.output);
  if (!st.ok()) return fail(st);

  zoo::BuildOptions options;
  options.seed = args.seed;
  options.image_size = args.image_size;
  options.sequence_length = args.sequence_length;
  Result<Graph> graph = zoo::build_zoo_model(args.model, options);
  if (!graph.ok()) return fail(graph.status());
  st = declare_outputs(&graph.value());
  if (st.ok()) st = onnx::write_model_file(graph.value(), args.output);
  if (!st.ok()) return fail(st);
  std::printf("%s: %zu nodes -> %s\n", args.model.c_str(), graph->nodes.size(), args.output.c_str());
  return 0;
}

}  // namespace

std::function<int()> add_export_command(CLI::App& app) {
  auto args = std::make_shared<ExportArgs>();
  CLI::App* cmd = app.add_subcommand("export", "build a zoo model natively and write it as an ONNX file");
  cmd->add_flag("--list", args->list, "print the zoo's models (name, architecture, reference)");
  cmd->add_option("--model", args->model, "zoo model name");
  cmd->add_option("-o,--output", args->output, "ONNX file to write");
  cmd->add_option("--seed", args->seed, "seed of the weights")->capture_default_str();
  args->image_size_option =
      cmd->add_option("--image-size", args->image_size, "input height and width (default: the model's own)");
  args->sequence_length_option =
      cmd->add_option("--sequence-length", args->sequence_length, "tokens per sequence (default: the model's own)");
  return [args] { return export_model(*args); };
}

}  // namespace edgerun::cli
