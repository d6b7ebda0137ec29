// The --op pipeline parser (tools/deployment/operator_pipeline.h): every spelling of every subset of the
// steps in every order is parsed, and exactly the hand-written list below is accepted; each rejection
// says why; the tier servers get the pipeline without partition.
#include "tools/deployment/operator_pipeline.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "tools/deployment/operator_cli.h"

namespace edgerun {
namespace {

// The accepted pipelines, written out by hand: distill first, partition last, prune before sptq, sptq
// and qat exclusive, prune and qat exclusive, early_exit with neither prune nor qat; sptq and
// early_exit in either order (QEE).
// clang-format off
const std::set<std::string> kAccepted = {
    "distill", "prune", "sptq", "qat", "early_exit", "partition",
    "distill+prune", "distill+sptq", "distill+qat", "distill+early_exit", "distill+partition",
    "prune+sptq", "prune+partition", "sptq+early_exit", "early_exit+sptq", "sptq+partition", "qat+partition",
    "early_exit+partition",
    "distill+prune+sptq", "distill+sptq+early_exit", "distill+early_exit+sptq", "distill+prune+partition",
    "distill+sptq+partition", "distill+qat+partition", "distill+early_exit+partition", "prune+sptq+partition",
    "sptq+early_exit+partition", "early_exit+sptq+partition",
    "distill+prune+sptq+partition", "distill+sptq+early_exit+partition", "distill+early_exit+sptq+partition",
};
// clang-format on

const std::vector<std::string> kSteps = {"distill", "prune", "sptq", "qat", "early_exit", "partition"};

std::string joined(const std::vector<std::string>& steps) {
  std::string s;
  for (const std::string& step : steps) s += (s.empty() ? "" : "+") + step;
  return s;
}

void check_rejected(const std::string& text, const std::string& why) {
  Result<OperatorPipeline> p = parse_operator_pipeline(text);
  CAPTURE(text);
  REQUIRE(!p.ok());
  CAPTURE(p.status().message());
  CHECK(p.status().code() == StatusCode::kInvalidArgument);
  CHECK(p.status().message().find("--op '" + text + "': ") == 0);
  CHECK(p.status().message().find(why) != std::string::npos);
}

TEST_CASE("operator pipeline: identity is the empty pipeline") {
  Result<OperatorPipeline> p = parse_operator_pipeline("identity");
  REQUIRE(p.ok());
  CHECK(p->identity());
  CHECK(p->name() == "identity");
  CHECK(!p->quantizes());
  CHECK(!p->exits_early());
}

TEST_CASE("operator pipeline: exactly the listed combinations are accepted, in the order written") {
  size_t parsed = 0, accepted = 0;
  for (unsigned mask = 1; mask < (1u << kSteps.size()); ++mask) {
    std::vector<std::string> subset;
    for (size_t i = 0; i < kSteps.size(); ++i) {
      if (mask & (1u << i)) subset.push_back(kSteps[i]);
    }
    std::sort(subset.begin(), subset.end());
    do {
      const std::string text = joined(subset);
      Result<OperatorPipeline> p = parse_operator_pipeline(text);
      CAPTURE(text);
      CAPTURE(p.status().to_string());
      ++parsed;
      CHECK(p.ok() == (kAccepted.count(text) == 1));
      if (!p.ok()) continue;
      ++accepted;
      CHECK(p->name() == text);
      CHECK(p->steps.size() == subset.size());
    } while (std::next_permutation(subset.begin(), subset.end()));
  }
  CHECK(parsed == 1956);  // every order of every non-empty subset of the six steps
  CHECK(accepted == kAccepted.size());
}

TEST_CASE("operator pipeline: the queries the tools ask") {
  const OperatorPipeline p = parse_operator_pipeline("distill+sptq+partition").value();
  CHECK(p.has(OperatorStep::kDistill));
  CHECK(!p.has(OperatorStep::kPrune));
  CHECK(p.quantizes());
  CHECK(!p.exits_early());
  CHECK(p.without(OperatorStep::kPartition).name() == "distill+sptq");
  CHECK(p.only({OperatorStep::kDistill}).name() == "distill");
  CHECK(p.only({OperatorStep::kPrune}).identity());
  CHECK(parse_operator_pipeline("qat").value().quantizes());
  CHECK(parse_operator_pipeline("early_exit+sptq").value().exits_early());
  CHECK(parse_operator_pipeline("early_exit+sptq").value().quantizes());
}

TEST_CASE("operator pipeline: rejections say why") {
  check_rejected("identity+sptq", "identity is the model unchanged: it combines with no step");
  check_rejected("sptq+identity", "identity is the model unchanged: it combines with no step");
  check_rejected("sptq+sptq", "'sptq' appears twice");
  check_rejected("distill+prune+distill", "'distill' appears twice");
  check_rejected("sptq+distill", "distill must come first");
  check_rejected("prune+distill+sptq", "distill must come first");
  check_rejected("sptq+prune", "prune after sptq: the weights are INT8 by then");
  check_rejected("qat+prune", "prune after qat: the weights are INT8 by then");
  check_rejected("sptq+qat", "sptq and qat both quantize the model: choose one");
  check_rejected("qat+sptq", "sptq and qat both quantize the model: choose one");
  check_rejected("prune+qat", "prune with qat: no surrogate is trained both pruned and QAT");
  check_rejected("partition+sptq", "partition must be last");
  check_rejected("distill+partition+early_exit", "partition must be last");
  check_rejected("prune+early_exit", "early_exit with prune is not implemented");
  check_rejected("early_exit+prune", "early_exit with prune is not implemented");
  check_rejected("qat+early_exit", "early_exit with qat is not implemented");
  check_rejected("sptq+", "an empty step");
  check_rejected("+sptq", "an empty step");
  check_rejected("distill++sptq", "an empty step");
  check_rejected("", "an empty step");
  check_rejected("sptq+ptq", "unknown operator step 'ptq'");
  check_rejected("SPTQ", "unknown operator step 'SPTQ'");
}

TEST_CASE("operator pipeline: tier servers build the pipeline without partition") {
  OperatorCli cli;
  cli.op = "distill+sptq+partition";
  cli.options.prune_sparsity = 0.5;
  Result<OperatorOptions> op = operator_options(cli, 1);
  REQUIRE(op.ok());
  const std::vector<std::string> args = served_operator_args(cli, op->pipeline);
  REQUIRE(args.size() >= 2);
  CHECK(args[0] == "--op");
  CHECK(args[1] == "distill+sptq");
  CHECK(std::find(args.begin(), args.end(), "--sparsity") != args.end());
  cli.op = "partition";
  CHECK(served_operator_args(cli, operator_options(cli, 1)->pipeline)[1] == "identity");
  cli.op = "partition+sptq";
  CHECK(operator_options(cli, 1).status().message().find("partition must be last") != std::string::npos);
}

}  // namespace
}  // namespace edgerun
