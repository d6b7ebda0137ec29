// edgerun eval --model M [--variant V] [--data D]: runs a model over its task's test split and prints
// the metrics, the sample count, the time and, for a trained model, the difference to the metric
// PyTorch recorded for the same file.
//   M: a zoo name with a trained folder models/trained/M/, such a folder, or an ONNX file (then --data
//      names the task: fashion-mnist, fashion-scenes, manpage-pairs, or a data path to recognise).
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>

#include "models/data/evaluate.h"
#include "models/data/trained_record.h"
#include "tools/edgerun/commands.h"

namespace edgerun::cli {

namespace {

struct EvalArgs {
  std::string model;
  std::string variant = "fp32";
  std::string data;
  std::string vocab;
  int64_t limit = 0;
  int64_t batch = 32;
  int threads = 1;
  bool json = false;
};

int fail(const Status& st) {
  std::fprintf(stderr, "edgerun eval: %s\n", st.to_string().c_str());
  return 1;
}

// What to evaluate, once the model argument is resolved.
struct Target {
  data::EvalRequest request;
  std::optional<data::TrainedRecord> record;  // set for a trained folder
};

// --data: a task name (its default split) or a path.
Status apply_data(const std::string& data, data::EvalRequest* request, bool task_known) {
  auto named = data::parse_task(data);
  if (named.ok()) {
    if (task_known && named.value() != request->task) {
      return invalid_argument(std::string("the model is trained for ") + data::task_name(request->task) + ", not " +
                              data);
    }
    request->task = named.value();
    return Status::Ok();
  }
  ASSIGN_OR_RETURN(data::Task detected, data::detect_task(data));
  if (task_known && detected != request->task) {
    return invalid_argument("'" + data + "' is " + data::task_name(detected) + " data but the model is trained for " +
                            data::task_name(request->task));
  }
  request->task = detected;
  request->data_path = data;
  return Status::Ok();
}

Result<Target> resolve(const EvalArgs& args) {
  namespace fs = std::filesystem;
  std::error_code ec;
  Target target;
  data::EvalRequest& request = target.request;
  request.vocab_path = args.vocab;
  if (fs::is_regular_file(args.model, ec)) {
    if (args.data.empty())
      return invalid_argument(
          "--data is needed with a model file (fashion-mnist, fashion-scenes, manpage-pairs or a path)");
    request.model_path = args.model;
    RETURN_IF_ERROR(apply_data(args.data, &request, /*task_known=*/false));
    return target;
  }
  const bool is_folder = fs::is_directory(args.model, ec);
  const std::string dir = is_folder ? args.model : data::trained_models_dir() + "/" + args.model;
  if (!is_folder && (args.model.empty() || args.model.find('/') != std::string::npos || !fs::is_directory(dir, ec))) {
    return not_found("'" + args.model + "' is neither a model file nor a trained model (no folder " + dir + ")");
  }
  ASSIGN_OR_RETURN(data::TrainedRecord record, data::load_trained_record(dir));
  ASSIGN_OR_RETURN(request.model_path, record.model_path(args.variant));
  request.task = record.task;
  if (!args.data.empty()) RETURN_IF_ERROR(apply_data(args.data, &request, /*task_known=*/true));
  target.record = std::move(record);
  return target;
}

// PyTorch's metric for the evaluated file and samples, when recorded: over the full split, or over
// the first N samples when the record has subset_metrics for exactly that N.
std::optional<double> recorded(const Target& target, const EvalArgs& args, const data::EvalResult& result,
                               const std::string& metric, bool full_split) {
  if (!target.record) return std::nullopt;
  const data::VariantRecord& variant = target.record->variants.at(args.variant);
  const std::map<std::string, double>* metrics = nullptr;
  if (full_split) {
    metrics = &variant.metrics;
  } else if (variant.subset_samples == result.samples) {
    metrics = &variant.subset_metrics;
  }
  if (!metrics) return std::nullopt;
  auto it = metrics->find(metric);
  if (it == metrics->end()) return std::nullopt;
  return it->second;
}

void print_text(const Target& target, const EvalArgs& args, const data::EvalResult& result, bool full_split) {
  std::printf("model           %s", target.request.model_path.c_str());
  if (target.record) std::printf(" (%s, %s)", target.record->zoo_name.c_str(), args.variant.c_str());
  const std::string data_path =
      target.request.data_path.empty() ? data::default_data_path(target.request.task) : target.request.data_path;
  std::printf("\ndata            %s: %s\nsamples         %lld%s\n", data::task_name(result.task), data_path.c_str(),
              static_cast<long long>(result.samples), full_split ? " (full split)" : " (--limit)");
  for (const data::Metric& m : result.metrics) {
    std::printf("%-15s %6.2f %%", m.name.c_str(), m.percent);
    if (auto ref = recorded(target, args, result, m.name, full_split)) {
      std::printf("   PyTorch %6.2f %%   diff %+.2f", *ref, m.percent - *ref);
    }
    std::printf("\n");
  }
  if (target.record && !full_split && target.record->variants.at(args.variant).subset_samples != result.samples) {
    std::printf("(no PyTorch metrics recorded for the first %lld samples: not compared)\n",
                static_cast<long long>(result.samples));
  }
  std::printf("time            %.2f s (%.3f ms/sample, batch %lld, %d thread%s)\n", result.seconds,
              result.samples > 0 ? 1e3 * result.seconds / static_cast<double>(result.samples) : 0.0,
              static_cast<long long>(args.batch), args.threads, args.threads == 1 ? "" : "s");
}

void print_json(const Target& target, const EvalArgs& args, const data::EvalResult& result, bool full_split) {
  nlohmann::json out;
  out["model"] = target.request.model_path;
  if (target.record) {
    out["zoo_name"] = target.record->zoo_name;
    out["variant"] = args.variant;
  }
  out["task"] = data::task_name(result.task);
  out["data"] =
      target.request.data_path.empty() ? data::default_data_path(target.request.task) : target.request.data_path;
  out["samples"] = result.samples;
  out["full_split"] = full_split;
  out["seconds"] = result.seconds;
  out["batch"] = args.batch;
  out["threads"] = args.threads;
  out["metrics"] = nlohmann::json::object();
  for (const data::Metric& m : result.metrics) {
    out["metrics"][m.name] = m.percent;
    if (auto ref = recorded(target, args, result, m.name, full_split)) {
      out["pytorch"][m.name] = *ref;
      out["diff"][m.name] = m.percent - *ref;
    }
  }
  std::printf("%s\n", out.dump(2).c_str());
}

int run(const EvalArgs& args) {
  auto target = resolve(args);
  if (!target.ok()) return fail(target.status());
  data::EvalRequest& request = target->request;
  request.batch = args.batch;
  request.limit = args.limit;
  request.threads = args.threads;
  auto result = data::evaluate(request);
  if (!result.ok()) return fail(result.status());
  const bool full_split = result->samples == result->split_samples;
  if (args.json) {
    print_json(target.value(), args, result.value(), full_split);
  } else {
    print_text(target.value(), args, result.value(), full_split);
  }
  return 0;
}

}  // namespace

std::function<int()> add_eval_command(CLI::App& app) {
  auto args = std::make_shared<EvalArgs>();
  CLI::App* cmd = app.add_subcommand("eval", "evaluate a model on its task's test split (top-1/top-5, mIoU, F1)");
  cmd->add_option("--model", args->model,
                  "zoo name with a trained folder (models/trained/NAME), such a folder, or an ONNX file")
      ->required();
  cmd->add_option("--variant", args->variant, "trained variant: fp32, qat, pruned")->capture_default_str();
  cmd->add_option("--data", args->data,
                  "fashion-mnist, fashion-scenes, manpage-pairs, or a data path (folder or .tsv)");
  cmd->add_option("--vocab", args->vocab, "vocab.txt for text models (default: next to the model)");
  cmd->add_option("--limit", args->limit, "evaluate only the first N samples (0: all)")->check(CLI::NonNegativeNumber);
  cmd->add_option("--batch", args->batch, "samples per run")->check(CLI::Range(1, 65536))->capture_default_str();
  cmd->add_option("--threads", args->threads, "threads")->check(CLI::Range(1, 256))->capture_default_str();
  cmd->add_flag("--json", args->json, "print the result as JSON");
  return [args] { return run(*args); };
}

}  // namespace edgerun::cli
