#include "tools/bench_engine/ort_peer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "graph/onnx/onnx_writer.h"
#include "models/data/task.h"
#include "tools/common/npy.h"
#include "tools/common/text_file.h"
#include "tools/tier/tier_profile.h"

namespace edgerun {
namespace {

constexpr int kSkipExit = 77;          // ort_latency.js: onnxruntime-node is missing
constexpr int kLimitFailedExit = 125;  // the child could not apply the tier's limits
constexpr int kExecFailedExit = 127;
constexpr size_t kMaxErrorChars = 2000;

// A temporary folder, removed with everything in it when this goes out of scope.
class TempDir {
 public:
  static Result<TempDir> make() {
    char name[] = "/tmp/edgerun-ort-peer-XXXXXX";
    if (mkdtemp(name) == nullptr)
      return io_error(std::string("cannot make a temporary folder: ") + std::strerror(errno));
    return TempDir(name);
  }
  TempDir(TempDir&& other) noexcept : path_(std::move(other.path_)) { other.path_.clear(); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  TempDir& operator=(TempDir&&) = delete;
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  explicit TempDir(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

// The end of the child's stderr, trimmed: enough to say why ORT failed.
std::string error_text(const std::string& path) {
  std::string text = read_text_file(path);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
  if (text.size() > kMaxErrorChars) text = "..." + text.substr(text.size() - kMaxErrorChars);
  return text.empty() ? "(no message)" : text;
}

Result<std::string> find_node() {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    const std::string node = (dir.empty() ? "." : dir) + "/node";
    if (access(node.c_str(), X_OK) == 0) return node;
  }
  return not_found("node is not installed (no 'node' on PATH)");
}

Status check_request(const OrtPeerRequest& r) {
  if (r.graph == nullptr) return invalid_argument("ORT peer: no graph");
  if (r.input_sets.empty()) return invalid_argument("ORT peer: no input sets");
  for (const auto& set : r.input_sets) {
    if (set.empty()) return invalid_argument("ORT peer: an input set is empty");
  }
  if (r.warmup < 0 || r.repeats < 1 || r.threads < 1) {
    return invalid_argument("ORT peer: needs warmup >= 0, repeats >= 1 and threads >= 1");
  }
  return Status::Ok();
}

// Writes every input set as .npy files and their list as inputs.json (ort_latency.js --inputs).
Result<std::string> write_input_sets(const TempDir& dir, const std::vector<std::vector<NamedTensor>>& sets) {
  nlohmann::json list = nlohmann::json::array();
  for (size_t k = 0; k < sets.size(); ++k) {
    nlohmann::json set = nlohmann::json::object();
    for (size_t i = 0; i < sets[k].size(); ++i) {
      const std::string file = dir.file("set" + std::to_string(k) + "_" + std::to_string(i) + ".npy");
      RETURN_IF_ERROR(write_npy(file, sets[k][i].tensor));
      set[sets[k][i].name] = file;
    }
    list.push_back(std::move(set));
  }
  const std::string path = dir.file("inputs.json");
  std::ofstream out(path);
  out << list.dump();
  if (!out.flush()) return io_error("cannot write " + path);
  return path;
}

// In the forked child: output to files, the tier's limits (a line per resource to limits.txt), then node.
// Only this thread exists in the child; limit_this_process allocates, which glibc keeps usable after
// fork (it resets its allocator locks in the child), and no other lock it takes can be held by the
// parent's other threads (bench_engine's kernel threads are idle while it waits here).
[[noreturn]] void run_child(const TempDir& dir, const TierProfile& tier, LimitMethod limit, const std::string& node,
                            std::vector<std::string>& args) {
  const int out = ::open(dir.file("stdout").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  const int err = ::open(dir.file("stderr").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (out < 0 || err < 0 || dup2(out, STDOUT_FILENO) < 0 || dup2(err, STDERR_FILENO) < 0) _exit(kExecFailedExit);
  auto report = limit_this_process(tier.name, tier.cpu_share, tier.memory_bytes, limit);
  if (!report.ok()) {
    std::fprintf(stderr, "%s\n", report.status().to_string().c_str());
    _exit(kLimitFailedExit);
  }
  std::ofstream(dir.file("limits.txt")) << "cpu: " << report->cpu << "\nmemory: " << report->memory;
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  execv(node.c_str(), argv.data());
  std::fprintf(stderr, "cannot run %s: %s\n", node.c_str(), std::strerror(errno));
  _exit(kExecFailedExit);
}

// Runs the child to its end; the exit status as waitpid gives it.
Result<int> run_limited(const TempDir& dir, const TierProfile& tier, LimitMethod limit, const std::string& node,
                        std::vector<std::string> args) {
  std::fflush(nullptr);  // the child must not write the parent's buffered output again
  const pid_t pid = fork();
  if (pid < 0) return io_error(std::string("ORT peer: fork failed: ") + std::strerror(errno));
  if (pid == 0) run_child(dir, tier, limit, node, args);
  int status = 0;
  pid_t waited;
  do {
    waited = waitpid(pid, &status, 0);
  } while (waited < 0 && errno == EINTR);
  remove_stale_tier_cgroups();  // the child's tier cgroups, now empty
  if (waited < 0) return io_error(std::string("ORT peer: waitpid failed: ") + std::strerror(errno));
  return status;
}

Status check_exit(int status, const TempDir& dir) {
  if (WIFSIGNALED(status)) {
    return internal_error("ONNX Runtime (node) was killed by signal " + std::to_string(WTERMSIG(status)) +
                          (WTERMSIG(status) == SIGKILL ? " (out of memory under the tier's budget?)" : "") + ": " +
                          error_text(dir.file("stderr")));
  }
  const int code = WEXITSTATUS(status);
  if (code == 0) return Status::Ok();
  const std::string why = error_text(dir.file("stderr"));
  if (code == kSkipExit) return not_found(why);
  if (code == kLimitFailedExit) return io_error("ORT peer: cannot apply the tier's limits: " + why);
  return internal_error("ONNX Runtime failed (exit " + std::to_string(code) + "): " + why);
}

std::string plural(double n, const std::string& unit) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g ", n);
  return buf + unit + (n > 1 ? "s" : "");
}

std::string describe(const std::string& version, const OrtPeerRequest& r, const TierProfile& tier) {
  std::string d = "ONNX Runtime " + version + ", " + plural(r.threads, "intra-op thread");
  if (r.limit == LimitMethod::kNone) return d + ", tier " + tier.name + " not limited (--limit none)";
  d += ", under " + tier.name + "'s limits (" + plural(tier.cpu_share, "CPU");
  if (tier.memory_bytes > 0) {
    char gib[32];
    std::snprintf(gib, sizeof gib, ", %g GiB", double(tier.memory_bytes) / double(int64_t(1) << 30));
    d += gib;
  }
  return d + ")";
}

Result<OrtPeerResult> parse_output(const TempDir& dir, const OrtPeerRequest& r, const TierProfile& tier) {
  const std::string out = read_text_file(dir.file("stdout"));
  // The result is the last line; node may have printed warnings before it.
  const size_t end = out.find_last_not_of(" \n");
  std::string line;
  if (end != std::string::npos) {
    const size_t newline = out.rfind('\n', end);
    const size_t begin = newline == std::string::npos ? 0 : newline + 1;
    line = out.substr(begin, end + 1 - begin);
  }
  const nlohmann::json j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j.contains("samples") || !j["samples"].is_array() || !j.contains("outputs") ||
      !j["outputs"].is_array() || !j.contains("ort_version") || !j["ort_version"].is_string()) {
    return internal_error("ORT peer: no result line in ort_latency.js's output: '" + line + "'");
  }
  OrtPeerResult result;
  for (const auto& v : j["samples"]) {
    if (!v.is_number()) return internal_error("ORT peer: a sample is not a number: " + line);
    result.ms.push_back(v.get<double>());
  }
  if (result.ms.size() != static_cast<size_t>(r.repeats)) {
    return internal_error("ORT peer: " + std::to_string(result.ms.size()) + " samples for " +
                          std::to_string(r.repeats) + " repeats");
  }
  size_t k = 0;
  for (const auto& name : j["outputs"]) {
    if (!name.is_string()) return internal_error("ORT peer: an output name is not a string: " + line);
    ASSIGN_OR_RETURN(Tensor t, read_npy(dir.file("out/output_" + std::to_string(k++) + ".npy")));
    result.outputs.push_back(NamedTensor{name.get<std::string>(), std::move(t)});
  }
  result.description = describe(j["ort_version"].get<std::string>(), r, tier);
  result.limits = read_text_file(dir.file("limits.txt"));
  return result;
}

}  // namespace

Result<OrtPeerResult> run_ort_peer(const OrtPeerRequest& request) {
  RETURN_IF_ERROR(check_request(request));
  ASSIGN_OR_RETURN(TierSet tiers, load_tiers(request.tiers_file));
  auto tier = tiers.find(request.tier);  // kNotFound is kept for a missing ORT
  if (!tier.ok()) return invalid_argument("ORT peer: " + tier.status().message());
  ASSIGN_OR_RETURN(std::string node, find_node());
  const std::string script = data::source_dir() + "/bench/peer/ort_latency.js";
  if (access(script.c_str(), R_OK) != 0) return not_found("the ORT latency script is missing: " + script);

  ASSIGN_OR_RETURN(TempDir dir, TempDir::make());
  const std::string model = dir.file("model.onnx");
  RETURN_IF_ERROR(onnx::write_model_file(*request.graph, model));
  ASSIGN_OR_RETURN(std::string inputs, write_input_sets(dir, request.input_sets));
  if (mkdir(dir.file("out").c_str(), 0755) != 0) return io_error("cannot make " + dir.file("out"));

  ASSIGN_OR_RETURN(
      int status, run_limited(dir, *tier.value(), request.limit, node,
                              {node, script, "--model", model, "--threads", std::to_string(request.threads), "--warmup",
                               std::to_string(request.warmup), "--repeats", std::to_string(request.repeats), "--inputs",
                               inputs, "--outputs", dir.file("out")}));
  RETURN_IF_ERROR(check_exit(status, dir));
  return parse_output(dir, request, *tier.value());
}

}  // namespace edgerun
