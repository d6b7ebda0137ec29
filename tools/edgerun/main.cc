// edgerun: run, inspect, export, evaluate, quantize, partition and convert models; the arena a .edgr model
// needs; info on this machine's kernels.
#include "tools/edgerun/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"edgerun: a tensor inference engine for Edge AI"};
  app.require_subcommand(1);
  auto run = edgerun::cli::add_run_command(app);
  auto inspect = edgerun::cli::add_inspect_command(app);
  auto export_model = edgerun::cli::add_export_command(app);
  auto eval = edgerun::cli::add_eval_command(app);
  auto info = edgerun::cli::add_info_command(app);
  auto quantize = edgerun::cli::add_quantize_command(app);
  auto partition = edgerun::cli::add_partition_command(app);
  auto convert = edgerun::cli::add_convert_command(app);
  auto arena = edgerun::cli::add_arena_command(app);
  CLI11_PARSE(app, argc, argv);
  if (app.got_subcommand("run")) return run();
  if (app.got_subcommand("export")) return export_model();
  if (app.got_subcommand("eval")) return eval();
  if (app.got_subcommand("info")) return info();
  if (app.got_subcommand("quantize")) return quantize();
  if (app.got_subcommand("partition")) return partition();
  if (app.got_subcommand("convert")) return convert();
  if (app.got_subcommand("arena")) return arena();
  return inspect();
}
