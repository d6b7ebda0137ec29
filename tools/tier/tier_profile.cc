#include "tools/tier/tier_profile.h"

#include <cmath>
#include <fstream>
#include <initializer_list>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <utility>

#include "tools/tier/builtin_tiers.h"

namespace edgerun {
namespace {

using nlohmann::json;

constexpr int64_t kMaxThreads = 1024;
const char* const kIsas[] = {"native", "ref", "avx2", "avx512", "avx512vnni"};

// Prefixes errors with where they are: "<source>: tier 'edge': field 'threads': ...".
class Where {
 public:
  explicit Where(std::string prefix) : prefix_(std::move(prefix)) {}
  Where tier(const std::string& name) const { return Where(prefix_ + ": tier '" + name + "'"); }
  Where index(size_t i) const { return Where(prefix_ + ": tiers[" + std::to_string(i) + "]"); }
  Where field(const std::string& name) const { return Where(prefix_ + ": field '" + name + "'"); }
  Status error(const std::string& message) const { return invalid_argument(prefix_ + ": " + message); }

 private:
  std::string prefix_;
};

template <typename Names>
std::string join(const Names& names) {
  std::string list;
  for (const char* name : names) list += std::string(list.empty() ? "" : ", ") + name;
  return list;
}

std::string number_text(double v) {
  std::ostringstream os;
  os << v;
  return os.str();
}

Status check_keys(const json& object, std::initializer_list<const char*> allowed, const Where& where) {
  for (auto it = object.begin(); it != object.end(); ++it) {
    bool known = false;
    for (const char* key : allowed) known = known || it.key() == key;
    if (!known) return where.error("unknown key '" + it.key() + "' (known: " + join(allowed) + ")");
  }
  return Status::Ok();
}

Result<const json*> member(const json& object, const char* key, const Where& where) {
  auto it = object.find(key);
  if (it == object.end()) return where.field(key).error("missing");
  return &*it;
}

Result<std::string> string_field(const json& object, const char* key, const Where& where, bool optional) {
  if (optional && !object.contains(key)) return std::string();
  ASSIGN_OR_RETURN(const json* v, member(object, key, where));
  if (!v->is_string()) return where.field(key).error("must be a string, got " + std::string(v->type_name()));
  return v->get<std::string>();
}

// A number in [lo, hi] (or (lo, hi] when lo_open).
Result<double> number_field(const json& object, const char* key, double lo, bool lo_open, double hi,
                            const Where& where) {
  ASSIGN_OR_RETURN(const json* v, member(object, key, where));
  if (!v->is_number()) return where.field(key).error("must be a number, got " + std::string(v->type_name()));
  const double x = v->get<double>();
  if (!std::isfinite(x) || (lo_open ? x <= lo : x < lo) || x > hi) {
    return where.field(key).error("must be in " + std::string(lo_open ? "(" : "[") + number_text(lo) + ", " +
                                  number_text(hi) + "], got " + number_text(x));
  }
  return x;
}

Result<int64_t> memory_field(const json& object, const Where& where) {
  ASSIGN_OR_RETURN(const json* v, member(object, "memory", where));
  const Where at = where.field("memory");
  if (v->is_string()) {
    auto bytes = parse_memory_size(v->get<std::string>());
    if (!bytes.ok()) return at.error(bytes.status().message());
    return bytes.value();
  }
  if (v->is_number_unsigned() && v->get<uint64_t>() > uint64_t(std::numeric_limits<int64_t>::max())) {
    return at.error("too large");
  }
  if (!v->is_number_integer()) {
    return at.error("must be an integer byte count or a string like \"4GiB\", got " + std::string(v->type_name()));
  }
  const int64_t bytes = v->get<int64_t>();
  if (bytes <= 0) return at.error("must be > 0, got " + std::to_string(bytes));
  return bytes;
}

Result<LinkProfile> parse_link(const json& j, const Where& where) {
  if (!j.is_object()) return where.error("must be an object, got " + std::string(j.type_name()));
  RETURN_IF_ERROR(check_keys(j, {"description", "bandwidth_mbit", "rtt_ms", "jitter_ms"}, where));
  constexpr double kBig = 1e9;
  LinkProfile link;
  ASSIGN_OR_RETURN(link.description, string_field(j, "description", where, /*optional=*/true));
  ASSIGN_OR_RETURN(link.bandwidth_mbit, number_field(j, "bandwidth_mbit", 0, true, kBig, where));
  ASSIGN_OR_RETURN(link.rtt_ms, number_field(j, "rtt_ms", 0, false, kBig, where));
  ASSIGN_OR_RETURN(link.jitter_ms, number_field(j, "jitter_ms", 0, false, kBig, where));
  return link;
}

Result<TierProfile> parse_tier(const json& j, const Where& where_set, size_t index) {
  const Where where_index = where_set.index(index);
  if (!j.is_object()) return where_index.error("must be an object, got " + std::string(j.type_name()));
  TierProfile tier;
  ASSIGN_OR_RETURN(tier.name, string_field(j, "name", where_index, /*optional=*/false));
  if (!valid_tier_name(tier.name)) {
    return where_index.field("name").error("'" + tier.name +
                                           "' is not a valid tier name ([a-z0-9][a-z0-9_-]*, at most 32 chars)");
  }
  const Where where = where_set.tier(tier.name);
  RETURN_IF_ERROR(check_keys(j, {"name", "description", "threads", "cpu_share", "isa", "memory", "link"}, where));
  ASSIGN_OR_RETURN(tier.description, string_field(j, "description", where, /*optional=*/true));

  ASSIGN_OR_RETURN(const json* threads, member(j, "threads", where));
  if (!threads->is_number_integer()) {
    return where.field("threads").error("must be an integer, got " + std::string(threads->type_name()) + " " +
                                        threads->dump());
  }
  const bool in_range = threads->is_number_unsigned()
                            ? threads->get<uint64_t>() >= 1 && threads->get<uint64_t>() <= uint64_t(kMaxThreads)
                            : threads->get<int64_t>() >= 1 && threads->get<int64_t>() <= kMaxThreads;
  if (!in_range) {
    return where.field("threads").error("must be in [1, " + std::to_string(kMaxThreads) + "], got " + threads->dump());
  }
  tier.threads = int(threads->get<int64_t>());

  ASSIGN_OR_RETURN(tier.cpu_share, number_field(j, "cpu_share", 0, true, kMaxTierCpuShare, where));
  ASSIGN_OR_RETURN(tier.isa, string_field(j, "isa", where, /*optional=*/false));
  bool known_isa = false;
  for (const char* isa : kIsas) known_isa = known_isa || tier.isa == isa;
  if (!known_isa) return where.field("isa").error("unknown ISA '" + tier.isa + "' (known: " + join(kIsas) + ")");
  ASSIGN_OR_RETURN(tier.memory_bytes, memory_field(j, where));
  ASSIGN_OR_RETURN(const json* link, member(j, "link", where));
  ASSIGN_OR_RETURN(tier.link, parse_link(*link, where.field("link")));
  return tier;
}

}  // namespace

bool valid_tier_name(const std::string& name) {
  if (name.empty() || name.size() > 32) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (!alnum && (i == 0 || (c != '_' && c != '-'))) return false;
  }
  return true;
}

Result<int64_t> parse_memory_size(const std::string& text) {
  size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  const std::string unit = text.substr(digits);
  struct Unit {
    const char* name;
    int shift;
  };
  static const Unit kUnits[] = {{"", 0}, {"B", 0}, {"KiB", 10}, {"MiB", 20}, {"GiB", 30}, {"TiB", 40}};
  const Unit* found = nullptr;
  for (const Unit& u : kUnits) {
    if (unit == u.name) found = &u;
  }
  if (digits == 0 || found == nullptr) {
    return invalid_argument("'" + text +
                            "' is not a memory size (an integer with an optional unit B, KiB, MiB, "
                            "GiB or TiB, e.g. \"4GiB\")");
  }
  const int64_t limit = std::numeric_limits<int64_t>::max() >> found->shift;
  int64_t count = 0;
  for (size_t i = 0; i < digits; ++i) {
    const int d = text[i] - '0';
    if (count > (limit - d) / 10) return invalid_argument("'" + text + "' is too large");
    count = count * 10 + d;
  }
  if (count == 0) return invalid_argument("'" + text + "' must be > 0");
  return count << found->shift;
}

Result<const TierProfile*> TierSet::find(const std::string& name) const {
  std::string known;
  for (const TierProfile& tier : tiers) {
    if (tier.name == name) return &tier;
    known += std::string(known.empty() ? "" : ", ") + tier.name;
  }
  return not_found("unknown tier '" + name + "' in " + source + " (known: " + known + ")");
}

Result<TierSet> parse_tiers(const std::string& json_text, const std::string& source_name) {
  json root;
  try {
    root = json::parse(json_text);
  } catch (const json::exception& e) {
    return invalid_argument(source_name + ": not valid JSON: " + e.what());
  }
  const Where where(source_name);
  if (!root.is_object()) return where.error("must be a JSON object, got " + std::string(root.type_name()));
  RETURN_IF_ERROR(check_keys(root, {"description", "tiers"}, where));
  ASSIGN_OR_RETURN(const json* list, member(root, "tiers", where));
  if (!list->is_array() || list->empty()) return where.field("tiers").error("must be a non-empty array");

  TierSet set;
  set.source = source_name;
  std::set<std::string> names;
  for (size_t i = 0; i < list->size(); ++i) {
    ASSIGN_OR_RETURN(TierProfile tier, parse_tier((*list)[i], where, i));
    if (!names.insert(tier.name).second) return where.tier(tier.name).error("duplicate tier name");
    set.tiers.push_back(std::move(tier));
  }
  return set;
}

Result<TierSet> load_tiers(const std::string& path) {
  if (path.empty()) return parse_tiers(builtin_tiers_json(), "built-in tiers.json");
  std::ifstream in(path, std::ios::binary);
  if (!in) return io_error("cannot open tier file '" + path + "'");
  constexpr size_t kMaxBytes = 1 << 20;  // a tier file is a few KiB; a bigger one is a wrong path
  std::string text(kMaxBytes + 1, '\0');
  in.read(&text[0], std::streamsize(text.size()));
  if (in.bad()) return io_error("cannot read tier file '" + path + "'");
  text.resize(size_t(in.gcount()));
  if (text.size() > kMaxBytes) return invalid_argument("tier file '" + path + "' is over 1 MiB");
  return parse_tiers(text, path);
}

}  // namespace edgerun
