// edgerun quantize --model M [--variant V] [--calibrator C] [--percentile P] [--samples N]
//                  [--calib-data PATH] [--exclude NAME_OR_OP ...] [--report] [-o FILE]:
// static post-training quantization (operators/sptq) of a model into a QDQ ONNX file.
//   M: a zoo name with a trained folder models/trained/M/ (calibrated on its task's train data), such
//      a folder, a zoo name without one (or with --full-size: the full-size model built natively), or an
//      ONNX file; the last two calibrate on seeded random inputs unless --calib-data names data.
#include <chrono>
#include <cstdio>
#include <filesystem>

#include "graph/onnx/onnx_importer.h"
#include "graph/onnx/onnx_writer.h"
#include "models/data/trained_record.h"
#include "models/zoo/zoo.h"
#include "operators/sptq/calibration_data.h"
#include "operators/sptq/sptq.h"
#include "tools/edgerun/commands.h"

namespace edgerun::cli {

namespace {

constexpr int64_t kTaskSamples = 128;  // default rows of task data
constexpr int64_t kRandomSamples = 8;  // default random batches

struct QuantizeArgs {
  std::string model;
  std::string variant = "fp32";
  bool full_size = false;
  std::string calibrator = "percentile";
  double percentile = 99.99;
  int64_t samples = 0;  // 0: the default for the data
  int64_t batch = 32;
  std::string calib_data;
  std::vector<std::string> exclude;
  bool report = false;
  int threads = 1;
  std::string output;
};

int fail(const Status& st) {
  std::fprintf(stderr, "edgerun quantize: %s\n", st.to_string().c_str());
  return 1;
}

struct Source {
  Graph graph;
  std::string name;         // for the default output file
  std::string description;  // what was loaded
  sptq::CalibrationRequest calibration;
};

Result<Source> resolve(const QuantizeArgs& args) {
  namespace fs = std::filesystem;
  std::error_code ec;
  Source s;
  s.calibration.data_path = args.calib_data;
  s.calibration.batch = args.batch;
  const std::string trained_dir = data::trained_models_dir() + "/" + args.model;
  const bool is_file = fs::is_regular_file(args.model, ec);
  const bool is_folder = !is_file && fs::is_directory(args.model, ec);
  const bool trained = is_folder || (!args.full_size && !args.model.empty() &&
                                     args.model.find('/') == std::string::npos && fs::is_directory(trained_dir, ec));
  if (is_file) {
    ASSIGN_OR_RETURN(s.graph, onnx::import_model_file(args.model));
    s.name = fs::path(args.model).stem().string();
    s.description = args.model;
    s.calibration.vocab_path = (fs::path(args.model).parent_path() / "vocab.txt").string();
  } else if (trained) {
    const std::string dir = is_folder ? args.model : trained_dir;
    ASSIGN_OR_RETURN(data::TrainedRecord record, data::load_trained_record(dir));
    ASSIGN_OR_RETURN(std::string path, record.model_path(args.variant));
    ASSIGN_OR_RETURN(s.graph, onnx::import_model_file(path));
    s.name = record.zoo_name;
    s.description = path + " (" + record.zoo_name + ", " + args.variant + ")";
    s.calibration.task = record.task;
    s.calibration.vocab_path = dir + "/vocab.txt";
  } else if (const zoo::ZooEntry* entry = zoo::find_zoo_entry(args.model)) {
    ASSIGN_OR_RETURN(s.graph, zoo::build_zoo_model(entry->name));
    s.name = entry->name;
    s.description = std::string(entry->architecture) + " (zoo '" + entry->name + "', built natively)";
  } else {
    return not_found("'" + args.model + "' is neither a model file, a trained model (no folder " + trained_dir +
                     ") nor a zoo model");
  }
  const bool task_data = s.calibration.task.has_value() || !args.calib_data.empty();
  s.calibration.samples = args.samples > 0 ? args.samples : task_data ? kTaskSamples : kRandomSamples;
  return s;
}

std::string calibration_text(const Source& s, size_t batches) {
  std::string what = !s.calibration.data_path.empty() ? s.calibration.data_path
                     : s.calibration.task ? std::string(data::task_name(*s.calibration.task)) + " train data"
                                          : "seeded random inputs";
  return what + ", " + std::to_string(batches) + " batch" + (batches == 1 ? "" : "es");
}

void print_summary(const QuantizeArgs& args, const Source& s, size_t batches, const sptq::SptqResult& r, double seconds,
                   const std::string& output) {
  std::printf("model        %s\n", s.description.c_str());
  std::printf("calibration  %s\n", calibration_text(s, batches).c_str());
  std::printf("calibrator   %s", args.calibrator.c_str());
  if (args.calibrator == "percentile") std::printf(" (%g)", args.percentile);
  int total = 0;
  std::string ops;
  for (const auto& [op, count] : r.quantized_ops) {
    ops += (ops.empty() ? "" : ", ") + op + " " + std::to_string(count);
    total += count;
  }
  std::printf("\nquantized    %d nodes: %s\n", total, ops.empty() ? "none" : ops.c_str());
  std::string excluded;
  for (const std::string& name : r.excluded) excluded += (excluded.empty() ? "" : ", ") + name;
  std::printf("excluded     %s\n", excluded.empty() ? "none" : excluded.c_str());
  std::printf("ranges       %d activation tensors (%d QuantizeLinear, %d DequantizeLinear)\n", r.ranges,
              r.quantize_nodes, r.dequantize_nodes);
  std::printf("time         %.2f s\n", seconds);
  std::printf("written      %s\n", output.c_str());
}

void print_report(const sptq::SptqResult& r) {
  size_t width = 6;
  for (const sptq::TensorReport& t : r.report) width = std::max(width, t.tensor.size());
  std::printf("\nper-tensor error of the QDQ graph vs FP32 (first %zu calibration batches)\n", sptq::kReportSamples);
  std::printf("%-*s  %-18s %9s  %9s\n", static_cast<int>(width), "tensor", "op", "SQNR dB", "cosine");
  for (const sptq::TensorReport& t : r.report) {
    std::printf("%-*s  %-18s %9.2f  %9.6f\n", static_cast<int>(width), t.tensor.c_str(), t.op.c_str(), t.sqnr_db,
                t.cosine);
  }
}

int run(const QuantizeArgs& args) {
  auto calibrator = sptq::parse_calibrator(args.calibrator);
  if (!calibrator.ok()) return fail(calibrator.status());
  auto source = resolve(args);
  if (!source.ok()) return fail(source.status());
  const auto start = std::chrono::steady_clock::now();
  auto samples = sptq::calibration_samples(source->graph, source->calibration);
  if (!samples.ok()) return fail(samples.status());
  sptq::SptqOptions options;
  options.calibrator = calibrator.value();
  options.percentile = args.percentile;
  options.exclude = args.exclude;
  options.threads = args.threads;
  auto result = sptq::quantize(source->graph, samples.value(), options, args.report);
  if (!result.ok()) return fail(result.status());
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const std::string output = args.output.empty() ? source->name + ".sptq.onnx" : args.output;
  Status written = onnx::write_model_file(result->graph, output);
  if (!written.ok()) return fail(written);
  print_summary(args, source.value(), samples->size(), result.value(), seconds, output);
  if (args.report) print_report(result.value());
  return 0;
}

}  // namespace

std::function<int()> add_quantize_command(CLI::App& app) {
  auto args = std::make_shared<QuantizeArgs>();
  CLI::App* cmd = app.add_subcommand("quantize", "static post-training quantization into a QDQ ONNX model");
  cmd->add_option("--model", args->model,
                  "zoo name (its trained folder models/trained/NAME if there), such a folder, or an ONNX file")
      ->required();
  cmd->add_option("--variant", args->variant, "trained variant to quantize")->capture_default_str();
  cmd->add_flag("--full-size", args->full_size, "quantize the full-size zoo model built natively, not the trained one");
  cmd->add_option("--calibrator", args->calibrator, "minmax, percentile, entropy or mse")->capture_default_str();
  cmd->add_option("--percentile", args->percentile, "percentile calibrator: the kept percent of values")
      ->capture_default_str();
  cmd->add_option("--samples", args->samples,
                  "calibration samples: rows of task data (default 128) or random batches (default 8)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--batch", args->batch, "rows per calibration batch of task data")
      ->check(CLI::Range(1, 65536))
      ->capture_default_str();
  cmd->add_option("--calib-data", args->calib_data,
                  "calibration data: a folder of <input>.npy files, of sample folders, or a task data path");
  cmd->add_option("--exclude", args->exclude, "node names or op types kept in float")->take_all();
  cmd->add_flag("--report", args->report, "print SQNR and cosine similarity of every quantized tensor vs FP32");
  cmd->add_option("--threads", args->threads, "threads")->check(CLI::Range(1, 256))->capture_default_str();
  cmd->add_option("-o,--output", args->output, "the QDQ ONNX file to write (default NAME.sptq.onnx)");
  return [args] { return run(*args); };
}

}  // namespace edgerun::cli
