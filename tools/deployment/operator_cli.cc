#include "tools/deployment/operator_cli.h"

namespace edgerun {

void add_operator_options(CLI::App& app, OperatorCli& cli, bool accuracy) {
  OperatorOptions& op = cli.options;
  app.add_option("--op", cli.op,
                 "deployment operator: identity, or steps joined by '+' in the order applied: distill, prune, sptq, "
                 "qat, early_exit, partition (e.g. distill+sptq, prune+sptq, sptq+early_exit, sptq+partition)")
      ->capture_default_str();
  app.add_option("--pattern", op.prune_pattern,
                 "prune: unstructured, RxC blocks (2x1, 4x1), N:M (2:4) or channel (filters removed) "
                 "(default: the study's, 2x1 / text 4x1)");
  app.add_option("--sparsity", op.prune_sparsity, "prune: fraction of weights pruned (default: the study's, 0.75 / text 0.9)")
      ->check(CLI::Range(0.0, 0.999));
  app.add_flag("--per-layer", op.prune_per_layer,
               "prune: the sparsity in every layer (default: one global magnitude threshold over all layers)");
  app.add_option("--ee", cli.ee_mode, "early exit: static (skip the last blocks) or dynamic (trained exit heads)")
      ->capture_default_str();
  app.add_option("--ee-points", op.early_exit.points,
                 "dynamic early exit: stages or blocks with a head, e.g. layer2,layer3.1 (default: after each stage)");
  if (!accuracy) return;
  app.add_option("--calibrator", cli.calibrator, "sptq: calibrator of the accuracy run (minmax, percentile, entropy, mse)")
      ->capture_default_str();
  app.add_option("--percentile", op.sptq.percentile, "percentile calibrator: the kept percent")->capture_default_str();
  app.add_option("--calib-rows", op.train_rows, "sptq: train rows calibrating the trained surrogate")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--ee-rule", cli.ee_rule, "dynamic early exit: max_prob (>= t) or entropy (<= t)")->capture_default_str();
  app.add_option("--ee-max-drop", op.early_exit.max_drop, "dynamic early exit: metric points the thresholds may lose")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--ee-fit-rows", op.early_exit.fit_rows, "dynamic early exit: train rows fitting the heads")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--ee-calib-rows", op.early_exit.calib_rows, "dynamic early exit: train rows choosing thresholds")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_flag("--ee-labels", op.early_exit.labels, "dynamic early exit: fit heads on labels, not self-distillation");
}

Result<OperatorOptions> operator_options(const OperatorCli& cli, int threads) {
  OperatorOptions op = cli.options;
  ASSIGN_OR_RETURN(op.pipeline, parse_operator_pipeline(cli.op));
  ASSIGN_OR_RETURN(op.sptq.calibrator, sptq::parse_calibrator(cli.calibrator));
  op.sptq.threads = threads;
  ASSIGN_OR_RETURN(op.early_exit.mode, parse_early_exit_mode(cli.ee_mode));
  ASSIGN_OR_RETURN(op.early_exit.rule, early_exit::parse_exit_rule(cli.ee_rule));
  if (!op.early_exit.points.empty() && op.early_exit.mode != EarlyExitMode::kDynamic)
    return invalid_argument("--ee-points places the heads of --ee dynamic");
  return op;
}

std::vector<std::string> served_operator_args(const OperatorCli& cli, const OperatorPipeline& pipeline) {
  std::vector<std::string> args{"--op", pipeline.without(OperatorStep::kPartition).name(), "--ee", cli.ee_mode};
  if (!cli.options.early_exit.points.empty()) args.insert(args.end(), {"--ee-points", cli.options.early_exit.points});
  if (!cli.options.prune_pattern.empty()) args.insert(args.end(), {"--pattern", cli.options.prune_pattern});
  if (cli.options.prune_sparsity >= 0) args.insert(args.end(), {"--sparsity", std::to_string(cli.options.prune_sparsity)});
  if (cli.options.prune_per_layer) args.push_back("--per-layer");
  return args;
}

}  // namespace edgerun
