#include "tools/placement/placement.h"

namespace edgerun {

namespace {
const char* const kServedName = "model";  // every tier serves the model by this name
}  // namespace

const std::vector<std::string>& placement_names() {
  static const std::vector<std::string> names{"mobile", "edge", "cloud", "mobile-edge", "edge-cloud", "mobile-cloud"};
  return names;
}

Result<Placement> parse_placement(const std::string& name) {
  for (const std::string& known : placement_names()) {
    if (known != name) continue;
    Placement p{name, {}};
    const size_t dash = name.find('-');
    if (dash == std::string::npos) {
      p.tiers = {name};
    } else {
      p.tiers = {name.substr(0, dash), name.substr(dash + 1)};
    }
    return p;
  }
  std::string list;
  for (const std::string& known : placement_names()) list += (list.empty() ? "" : ", ") + known;
  return invalid_argument("unknown placement '" + name + "' (known: " + list + ")");
}

Result<std::unique_ptr<PlacementServers>> PlacementServers::start(const Placement& placement, const TierSet& tiers,
                                                                  const ServedModelSpec& model) {
  std::unique_ptr<PlacementServers> s(new PlacementServers());
  s->placement_ = placement;
  for (const std::string& name : placement.tiers) {
    ASSIGN_OR_RETURN(const TierProfile* profile, tiers.find(name));
    s->profiles_.push_back(*profile);
  }
  // The last tier starts first: the one before it forwards to its address.
  s->processes_.resize(placement.tiers.size());
  std::string next_url, next_tier;
  for (size_t i = placement.tiers.size(); i-- > 0;) {
    TierProcessOptions options;
    options.tier = placement.tiers[i];
    options.server_args = model.args;
    options.server_path = model.server_path;
    options.server_args.insert(options.server_args.end(),
                               {"--name", kServedName, "--tier", placement.tiers[i], "--limit", model.limit});
    if (!model.tiers_file.empty()) options.server_args.insert(options.server_args.end(), {"--tiers", model.tiers_file});
    if (!next_url.empty())
      options.server_args.insert(options.server_args.end(), {"--next", next_url, "--next-tier", next_tier});
    auto process = TierProcess::start(options);
    if (!process.ok()) return process.status().with_context("placement " + placement.name);
    next_url = process.value()->url();
    next_tier = placement.tiers[i];
    s->processes_[i] = std::move(process.value());
  }
  s->first_link_ = std::make_unique<serve::LinkShaper>(s->profiles_[0].link, /*seed=*/1);
  return s;
}

namespace {

serve::Endpoint endpoint_of(const TierProcess& process) {
  serve::Endpoint e;
  e.port = process.port();
  e.model = kServedName;
  return e;
}

nlohmann::json step_parameters(size_t first, size_t last, bool profile, int forced_exit = -1, bool cold = false) {
  nlohmann::json p;
  p["edgerun_steps"] = {first, last};
  if (profile) p["edgerun_profile"] = true;
  if (forced_exit >= 0) p["edgerun_exit"] = forced_exit;
  if (cold) p["edgerun_cold"] = true;
  return p;
}

}  // namespace

Result<serve::InferResult> PlacementServers::infer(const std::vector<NamedTensor>& inputs, size_t cut, size_t num_steps,
                                                   bool profile, int forced_exit, bool cold) {
  if (!placement_.partitioned()) cut = num_steps;
  if (cut > num_steps)
    return invalid_argument("cut " + std::to_string(cut) + " is past the plan's " + std::to_string(num_steps) +
                            " steps");
  return serve::infer(endpoint_of(*processes_[0]), inputs, step_parameters(0, cut, profile, forced_exit, cold),
                      first_link_.get());
}

Result<serve::InferResult> PlacementServers::infer_on(size_t tier, const std::vector<NamedTensor>& inputs,
                                                      size_t num_steps, bool profile) {
  return serve::infer(endpoint_of(*processes_.at(tier)), inputs, step_parameters(0, num_steps, profile), nullptr);
}

}  // namespace edgerun
