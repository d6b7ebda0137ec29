// edgerun run MODEL -i NAME=file.npy ... -o DIR: runs the model and writes every output as DIR/NAME.npy.
#include <cstdio>
#include <filesystem>

#include "engine/session.h"
#include "tools/common/kernel_options.h"
#include "tools/common/limit_options.h"
#include "tools/common/npy.h"
#include "tools/edgerun/commands.h"

namespace edgerun::cli {

namespace {

struct RunArgs {
  std::string model;
  std::vector<std::string> inputs;
  std::string out_dir = ".";
  int threads = 1;
  KernelOptions kernels;
  ModelLimits limits;
};

int fail(const Status& st) {
  std::fprintf(stderr, "edgerun run: %s\n", st.to_string().c_str());
  return 1;
}

// Output names may contain '/' or ':' (PyTorch exports "onnx::Add_12"); keep file names flat.
std::string file_name_for(const std::string& name) {
  std::string out = name;
  for (char& c : out) {
    if (c == '/' || c == ':' || c == '\\') c = '_';
  }
  return out + ".npy";
}

int run(const RunArgs& args) {
  SessionOptions options;
  options.threads = args.threads;
  options.limits = args.limits;
  if (Status st = apply_kernel_options(args.kernels, &options); !st.ok()) return fail(st);
  auto session = Session::load_file(args.model, options);
  if (!session.ok()) return fail(session.status());
  std::vector<NamedTensor> inputs;
  for (const std::string& spec : args.inputs) {
    const size_t eq = spec.find('=');
    if (eq == std::string::npos || eq == 0) return fail(invalid_argument("input '" + spec + "' is not NAME=file.npy"));
    auto t = read_npy(spec.substr(eq + 1));
    if (!t.ok()) return fail(t.status().with_context("input '" + spec.substr(0, eq) + "'"));
    inputs.push_back({spec.substr(0, eq), t.value()});
  }
  std::vector<NamedTensor> outputs;
  Status st = session.value()->run(inputs, &outputs);
  if (!st.ok()) return fail(st);
  std::error_code ec;
  std::filesystem::create_directories(args.out_dir, ec);
  if (ec) return fail(io_error("cannot create output folder '" + args.out_dir + "': " + ec.message()));
  for (const NamedTensor& out : outputs) {
    const std::string path = (std::filesystem::path(args.out_dir) / file_name_for(out.name)).string();
    st = write_npy(path, out.tensor);
    if (!st.ok()) return fail(st);
    std::printf("%s %s %s -> %s\n", out.name.c_str(), dtype_name(out.tensor.dtype()),
                shape_to_string(out.tensor.shape()).c_str(), path.c_str());
  }
  return 0;
}

}  // namespace

std::function<int()> add_run_command(CLI::App& app) {
  auto args = std::make_shared<RunArgs>();
  CLI::App* cmd = app.add_subcommand("run", "run a model on .npy inputs, write every output as .npy");
  cmd->add_option("model", args->model, "ONNX model file")->required();
  cmd->add_option("-i,--input", args->inputs, "NAME=file.npy, one per graph input");
  cmd->add_option("-o,--output-dir", args->out_dir, "folder for the outputs")->capture_default_str();
  cmd->add_option("--threads", args->threads, "threads")->check(CLI::Range(1, 256))->capture_default_str();
  add_kernel_options(*cmd, args->kernels);
  add_model_limit_options(*cmd, args->limits);
  return [args] { return run(*args); };
}

}  // namespace edgerun::cli
