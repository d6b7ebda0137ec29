// edgerun convert --model M -o FILE [--c-array] [--symbol NAME] [--dim SYM=N ...]: compiles a model
// (a zoo name, an ONNX file such as `edgerun quantize`'s QDQ output, or a .edgr file) for its input
// shapes and writes the compiled graph as a native .edgr model (graph/format/edgr_format.h), or as a
// C source file holding those bytes for firmware that loads its model from a const array.
#include <cctype>
#include <cstdio>
#include <filesystem>

#include "engine/plan.h"
#include "graph/format/edgr_reader.h"
#include "graph/format/edgr_writer.h"
#include "tools/common/model_inputs.h"
#include "tools/common/model_source.h"
#include "tools/edgerun/commands.h"

namespace edgerun::cli {

namespace {

struct ConvertArgs {
  std::string model;
  std::string output;
  bool c_array = false;
  std::string symbol;
  std::vector<std::string> dims;
};

int fail(const Status& st) {
  std::fprintf(stderr, "edgerun convert: %s\n", st.to_string().c_str());
  return 1;
}

bool is_c_identifier(const std::string& s) {
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0]))) return false;
  for (char c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  }
  return true;
}

// "out/resnet50.edgr.c" -> "resnet50_edgr": the file name without its last extension, made an identifier.
std::string symbol_for(const std::string& path) {
  std::string s = std::filesystem::path(path).stem().string();
  for (char& c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return s.empty() || std::isdigit(static_cast<unsigned char>(s[0])) ? "model_" + s : s;
}

// The bytes as a C array, 64-byte aligned so the reader may use the constants in place. Built in one
// string from a table of the 256 byte texts: tens of megabytes take well under a second.
std::string c_source(const std::vector<uint8_t>& bytes, const std::string& symbol, const std::string& model) {
  char table[256][5];
  for (int b = 0; b < 256; ++b) std::snprintf(table[b], sizeof table[b], "%d,", b);
  std::string out = "/* " + model + " as a native edgerun model (.edgr), written by edgerun convert. */\n";
  out += "const unsigned char " + symbol + "[] __attribute__((aligned(64))) = {\n";
  out.reserve(out.size() + bytes.size() * 4 + bytes.size() / 8 + 128);
  constexpr size_t kPerLine = 32;
  for (size_t i = 0; i < bytes.size(); ++i) {
    out += table[bytes[i]];
    if (i % kPerLine == kPerLine - 1) out += '\n';
  }
  out += "};\nconst unsigned long " + symbol + "_size = " + std::to_string(bytes.size()) + "UL;\n";
  return out;
}

Status write_file(const std::string& path, const void* data, size_t size) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return io_error("cannot write '" + path + "': it is a folder");
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return io_error("cannot write '" + path + "'");
  const bool written = std::fwrite(data, 1, size, f) == size;
  if (std::fclose(f) != 0 || !written) return io_error("cannot write '" + path + "'");
  return Status::Ok();
}

void print_values(const char* kind, const Graph& g, const std::vector<ValueId>& ids) {
  for (ValueId id : ids) {
    const Value& v = g.value(id);
    std::printf("%-10s %s %s %s\n", kind, v.name.c_str(), dtype_name(v.dtype),
                v.has_shape ? sym_shape_to_string(v.shape).c_str() : "(unknown shape)");
  }
}

// What the file holds, read back from its bytes (which also proves they parse).
Status print_summary(const std::string& description, const std::vector<uint8_t>& bytes, const std::string& output) {
  ASSIGN_OR_RETURN(Graph g, read_edgr(bytes.data(), bytes.size()));
  size_t constant_bytes = 0;
  for (const Value& v : g.values) constant_bytes += v.constant ? v.constant->byte_size() : 0;
  std::printf("model      %s\n", description.c_str());
  std::printf("nodes      %zu\n", g.nodes.size());
  std::printf("constants  %zu bytes\n", constant_bytes);
  print_values("input", g, g.inputs);
  print_values("output", g, g.outputs);
  std::printf("written    %s (%zu bytes of .edgr)\n", output.c_str(), bytes.size());
  return Status::Ok();
}

int convert(const ConvertArgs& args) {
  if (!args.symbol.empty() && !is_c_identifier(args.symbol)) {
    return fail(invalid_argument("--symbol '" + args.symbol + "' is not a C identifier"));
  }
  auto source = resolve_model(args.model);
  if (!source.ok()) return fail(source.status());
  SessionOptions options;
  options.sparse = kernels::SparseKernels::kOff;  // kernel choices are not stored: skip measuring them
  auto bindings = parse_dim_bindings(args.dims);
  if (!bindings.ok()) return fail(bindings.status());
  options.dim_bindings = bindings.value();
  auto session = open_session(source.value(), options);
  if (!session.ok()) return fail(session.status());
  auto shapes = session.value()->default_input_shapes();
  if (!shapes.ok()) return fail(shapes.status());
  if (Status st = session.value()->prepare(shapes.value()); !st.ok()) return fail(st);
  auto bytes = write_edgr(session.value()->plan()->graph());
  if (!bytes.ok()) return fail(bytes.status());
  Status written;
  if (args.c_array) {
    const std::string text =
        c_source(bytes.value(), args.symbol.empty() ? symbol_for(args.output) : args.symbol, args.model);
    written = write_file(args.output, text.data(), text.size());
  } else {
    written = write_file(args.output, bytes->data(), bytes->size());
  }
  if (!written.ok()) return fail(written);
  if (Status st = print_summary(source->description, bytes.value(), args.output); !st.ok()) return fail(st);
  return 0;
}

}  // namespace

std::function<int()> add_convert_command(CLI::App& app) {
  auto args = std::make_shared<ConvertArgs>();
  CLI::App* cmd = app.add_subcommand("convert", "compile a model and write it as a native .edgr model (or a C array)");
  cmd->add_option("--model", args->model, "zoo name, ONNX file (a QDQ model from edgerun quantize) or .edgr file")
      ->required();
  cmd->add_option("-o,--output", args->output, "the .edgr file (or C source with --c-array) to write")->required();
  cmd->add_flag("--c-array", args->c_array, "write C source defining the bytes as a 64-byte aligned array");
  cmd->add_option("--symbol", args->symbol, "--c-array: the array's name (default: from the output file name)");
  cmd->add_option("--dim", args->dims, "bind a symbolic input dim, NAME=SIZE (default 1)");
  return [args] { return convert(*args); };
}

}  // namespace edgerun::cli
