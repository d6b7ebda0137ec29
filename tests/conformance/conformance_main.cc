// Runs the ONNX backend tests of Debian's libonnx-testdata (node, pytorch-converted, pytorch-operator
// and simple suites; `real` holds only download links) through edgerun and compares every
// output with the expected one. A case is applicable when every op in it is on edgerun's op list.
// Cases listed in skipped_*.txt (one "name reason" per line) are counted as skipped; they still run,
// and one that passes is reported so the list never hides a fixed case.
//
// Usage: edgerun_conformance [--data DIR]... [--filter SUBSTRING] [--verbose]

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "engine/session.h"
#include "graph/onnx/onnx_importer.h"
#include "tests/support/tensor_compare.h"

namespace fs = std::filesystem;
using namespace edgerun;

namespace {

std::map<std::string, std::string> read_skip_lists(const fs::path& dir) {
  std::map<std::string, std::string> skips;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string file = entry.path().filename().string();
    if (file.rfind("skipped_", 0) != 0 || entry.path().extension() != ".txt") continue;
    std::ifstream in(entry.path());
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] == '#') continue;
      std::istringstream ss(line);
      std::string name, reason;
      ss >> name;
      std::getline(ss, reason);
      skips[name] = reason.empty() ? "(no reason given)" : reason.substr(reason.find_first_not_of(' '));
    }
  }
  return skips;
}

std::vector<fs::path> numbered_files(const fs::path& dir, const std::string& prefix) {
  std::vector<std::pair<int, fs::path>> found;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string f = entry.path().filename().string();
    if (f.rfind(prefix, 0) == 0 && entry.path().extension() == ".pb") {
      found.emplace_back(std::stoi(f.substr(prefix.size())), entry.path());
    }
  }
  std::sort(found.begin(), found.end());
  std::vector<fs::path> paths;
  for (auto& [i, p] : found) paths.push_back(p);
  return paths;
}

enum class Outcome { kPass, kFail, kNotApplicable };

struct CaseResult {
  Outcome outcome;
  std::string detail;
};

CaseResult run_case(const fs::path& dir) {
  auto graph = onnx::import_model_file((dir / "model.onnx").string());
  if (!graph.ok()) {
    const Status& st = graph.status();
    if (st.code() == StatusCode::kUnsupported && st.message().find("unknown op") != std::string::npos) {
      return {Outcome::kNotApplicable, st.message()};
    }
    return {Outcome::kFail, "import: " + st.to_string()};
  }
  const Graph g = graph.value();
  for (const auto& set_entry : fs::directory_iterator(dir)) {
    if (!set_entry.is_directory()) continue;
    const fs::path set_dir = set_entry.path();
    std::vector<NamedTensor> inputs;
    const auto input_files = numbered_files(set_dir, "input_");
    if (input_files.size() > g.inputs.size()) {
      return {Outcome::kFail, "test has " + std::to_string(input_files.size()) + " inputs, graph has " +
                                  std::to_string(g.inputs.size())};
    }
    for (size_t i = 0; i < input_files.size(); ++i) {
      auto t = onnx::read_tensor_file(input_files[i].string());
      if (!t.ok()) return {Outcome::kFail, "reading " + input_files[i].string() + ": " + t.status().to_string()};
      inputs.push_back({g.value(g.inputs[i]).name, t.value()});
    }
    auto session = Session::from_graph(g);
    if (!session.ok()) return {Outcome::kFail, session.status().to_string()};
    std::vector<NamedTensor> outputs;
    Status st = session.value()->run(inputs, &outputs);
    if (!st.ok()) return {Outcome::kFail, st.to_string()};
    const auto output_files = numbered_files(set_dir, "output_");
    for (size_t i = 0; i < output_files.size() && i < outputs.size(); ++i) {
      auto expected = onnx::read_tensor_file(output_files[i].string());
      if (!expected.ok()) return {Outcome::kFail, "reading expected output: " + expected.status().to_string()};
      const std::string diff = testing::compare_tensors(outputs[i].tensor, expected.value(), testing::Tolerance{});
      if (!diff.empty()) return {Outcome::kFail, "output '" + outputs[i].name + "': " + diff};
    }
    if (output_files.size() != outputs.size()) {
      return {Outcome::kFail, "expected " + std::to_string(output_files.size()) + " outputs, got " +
                                  std::to_string(outputs.size())};
    }
  }
  return {Outcome::kPass, ""};
}

struct Counts {
  int passed = 0, failed = 0, skipped = 0, not_applicable = 0, stale_skips = 0;
  void add(const Counts& o) {
    passed += o.passed;
    failed += o.failed;
    skipped += o.skipped;
    not_applicable += o.not_applicable;
    stale_skips += o.stale_skips;
  }
};

void print_counts(const std::string& what, const Counts& c) {
  std::printf("%s: %d applicable cases: %d passed, %d failed, %d skipped (listed with reasons); "
              "%d cases use ops edgerun does not have\n",
              what.c_str(), c.passed + c.failed + c.skipped, c.passed, c.failed, c.skipped, c.not_applicable);
}

Counts run_suite(const fs::path& data, const std::string& filter, bool verbose,
                 const std::map<std::string, std::string>& skips, std::map<std::string, int>* missing_ops) {
  std::vector<fs::path> cases;
  for (const auto& entry : fs::directory_iterator(data)) {
    if (entry.is_directory() && entry.path().filename().string().find(filter) != std::string::npos) {
      cases.push_back(entry.path());
    }
  }
  std::sort(cases.begin(), cases.end());
  Counts c;
  for (const fs::path& dir : cases) {
    const std::string name = dir.filename().string();
    const CaseResult r = run_case(dir);
    auto skip = skips.find(name);
    if (r.outcome == Outcome::kNotApplicable) {
      ++c.not_applicable;
      const size_t q = r.detail.find("unknown op '");
      if (q != std::string::npos) {
        const size_t start = q + 12;
        ++(*missing_ops)[r.detail.substr(start, r.detail.find('\'', start) - start)];
      }
      if (verbose) std::printf("n/a   %s: %s\n", name.c_str(), r.detail.c_str());
    } else if (skip != skips.end()) {
      ++c.skipped;
      if (r.outcome == Outcome::kPass) {
        ++c.stale_skips;
        std::printf("STALE %s: listed as skipped (%s) but passes; remove it from the list\n", name.c_str(),
                    skip->second.c_str());
      } else if (verbose) {
        std::printf("skip  %s: %s\n", name.c_str(), skip->second.c_str());
      }
    } else if (r.outcome == Outcome::kPass) {
      ++c.passed;
      if (verbose) std::printf("pass  %s\n", name.c_str());
    } else {
      ++c.failed;
      std::printf("FAIL  %s: %s\n", name.c_str(), r.detail.c_str());
    }
  }
  return c;
}

}  // namespace

int main(int argc, char** argv) {
  const fs::path root = "/usr/share/libonnx-testdata/data";
  std::vector<fs::path> suites;
  std::string filter;
  bool verbose = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--data" && i + 1 < argc) {
      suites.emplace_back(argv[++i]);
    } else if (a == "--filter" && i + 1 < argc) {
      filter = argv[++i];
    } else if (a == "--verbose") {
      verbose = true;
    } else {
      std::fprintf(stderr, "usage: %s [--data DIR]... [--filter SUBSTRING] [--verbose]\n", argv[0]);
      return 2;
    }
  }
  if (suites.empty()) {
    for (const char* s : {"node", "pytorch-converted", "pytorch-operator", "simple"}) suites.push_back(root / s);
  }
  const auto skips = read_skip_lists(fs::path(EDGERUN_CONFORMANCE_DIR));
  Counts total;
  std::map<std::string, int> missing_ops;
  for (const fs::path& suite : suites) {
    if (!fs::is_directory(suite)) {
      std::fprintf(stderr, "conformance data not found at %s (install libonnx-testdata)\n", suite.c_str());
      return 1;
    }
    const Counts c = run_suite(suite, filter, verbose, skips, &missing_ops);
    print_counts("ONNX conformance " + suite.filename().string(), c);
    total.add(c);
  }
  if (verbose && !missing_ops.empty()) {
    std::printf("ops not in edgerun (cases):");
    for (const auto& [op, n] : missing_ops) std::printf(" %s(%d)", op.c_str(), n);
    std::printf("\n");
  }
  print_counts("ONNX conformance total", total);
  return total.failed == 0 && total.stale_skips == 0 ? 0 : 1;
}
