// Tier profiles: the built-in tiers.json, a replacement file, and every class of validation error.
#include "tools/tier/tier_profile.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

namespace edgerun {
namespace {

using nlohmann::json;
constexpr int64_t kGiB = int64_t(1) << 30;

json valid_set() {
  return json::parse(R"({"description": "test", "tiers": [
    {"name": "mobile", "threads": 1, "cpu_share": 0.5, "isa": "native", "memory": "4GiB",
     "link": {"bandwidth_mbit": 200, "rtt_ms": 4, "jitter_ms": 0.5}},
    {"name": "edge", "description": "e", "threads": 1, "cpu_share": 1, "isa": "avx2", "memory": 1024,
     "link": {"bandwidth_mbit": 200, "rtt_ms": 2, "jitter_ms": 0.2, "description": "l"}}]})");
}

// Parses valid_set() after `mutate`; the error must contain every one of `expected`.
void expect_error(const std::function<void(json&)>& mutate, std::initializer_list<const char*> expected) {
  json set = valid_set();
  mutate(set);
  Result<TierSet> r = parse_tiers(set.dump(), "test.json");
  REQUIRE_MESSAGE(!r.ok(), set.dump());
  CHECK(r.status().code() == StatusCode::kInvalidArgument);
  for (const char* part : expected) {
    CHECK_MESSAGE(r.status().message().find(part) != std::string::npos, r.status().message(), " lacks ",
                  std::string(part));
  }
}

TEST_CASE("tier: the built-in profiles are the study's, scaled to this machine") {
  Result<TierSet> set = load_tiers("");
  REQUIRE_MESSAGE(set.ok(), set.status().to_string());
  CHECK(set->source == "built-in tiers.json");
  REQUIRE(set->tiers.size() == 3);
  struct Expected {
    const char* name;
    int threads;
    double share;
    int64_t memory;
    double mbit, rtt, jitter;
  };
  const Expected expected[] = {{"mobile", 1, 0.5, 4 * kGiB, 200, 4, 0.5},
                               {"edge", 1, 1.0, 16 * kGiB, 200, 2, 0.2},
                               {"cloud", 2, 2.0, 64 * kGiB, 1, 20, 2}};
  for (const Expected& e : expected) {
    CAPTURE(e.name);
    Result<const TierProfile*> tier = set->find(e.name);
    REQUIRE(tier.ok());
    const TierProfile& t = *tier.value();
    CHECK(t.threads == e.threads);
    CHECK(t.cpu_share == doctest::Approx(e.share));
    CHECK(t.isa == "native");
    CHECK(t.memory_bytes == e.memory);
    CHECK(t.link.bandwidth_mbit == doctest::Approx(e.mbit));
    CHECK(t.link.rtt_ms == doctest::Approx(e.rtt));
    CHECK(t.link.jitter_ms == doctest::Approx(e.jitter));
    CHECK(!t.description.empty());
    CHECK(!t.link.description.empty());
  }
  Result<const TierProfile*> missing = set->find("gpu");
  REQUIRE(!missing.ok());
  CHECK(missing.status().code() == StatusCode::kNotFound);
  CHECK(missing.status().message().find("mobile, edge, cloud") != std::string::npos);
}

TEST_CASE("tier: a tier file replaces the built-in set") {
  const std::string path =
      (std::filesystem::temp_directory_path() / ("edgerun_tier_test_" + std::to_string(getpid()) + ".json")).string();
  json set = valid_set();
  set["tiers"][0]["cpu_share"] = 0.25;
  set["tiers"][0]["memory"] = "512MiB";
  set["tiers"][1]["isa"] = "ref";
  std::ofstream(path) << set.dump(2);
  Result<TierSet> r = load_tiers(path);
  std::filesystem::remove(path);
  REQUIRE_MESSAGE(r.ok(), r.status().to_string());
  CHECK(r->source == path);
  REQUIRE(r->tiers.size() == 2);
  CHECK(r->tiers[0].cpu_share == doctest::Approx(0.25));
  CHECK(r->tiers[0].memory_bytes == 512 * (int64_t(1) << 20));
  CHECK(r->tiers[1].isa == "ref");
  CHECK(r->tiers[1].memory_bytes == 1024);
  CHECK(r->tiers[1].description == "e");
  CHECK(r->tiers[1].link.description == "l");
  CHECK(!r->find("cloud").ok());

  Result<TierSet> absent = load_tiers(path);
  REQUIRE(!absent.ok());
  CHECK(absent.status().code() == StatusCode::kIoError);
  CHECK(absent.status().message().find(path) != std::string::npos);
  const std::string dir = std::filesystem::temp_directory_path().string();
  Result<TierSet> directory = load_tiers(dir);
  REQUIRE(!directory.ok());
  CHECK(directory.status().message().find(dir) != std::string::npos);
}

TEST_CASE("tier: memory sizes") {
  CHECK(parse_memory_size("4GiB").value() == 4 * kGiB);
  CHECK(parse_memory_size("512MiB").value() == 512 << 20);
  CHECK(parse_memory_size("3KiB").value() == 3072);
  CHECK(parse_memory_size("2TiB").value() == 2 * kGiB * 1024);
  CHECK(parse_memory_size("1000").value() == 1000);
  CHECK(parse_memory_size("7B").value() == 7);
  for (const char* bad :
       {"", "GiB", "4GB", "4 GiB", "1.5GiB", "-1", "0MiB", "0", "9999999999TiB", "99999999999999999999"}) {
    CAPTURE(bad);
    CHECK(!parse_memory_size(bad).ok());
  }
}

TEST_CASE("tier: malformed JSON and a wrong shape are errors naming the source") {
  for (const char* text : {"", "{", "{\"tiers\": [}", "[1, 2]", "nul"}) {
    CAPTURE(text);
    Result<TierSet> r = parse_tiers(text, "bad.json");
    REQUIRE(!r.ok());
    CHECK(r.status().code() == StatusCode::kInvalidArgument);
    CHECK(r.status().message().rfind("bad.json: ", 0) == 0);
  }
  expect_error([](json& s) { s.erase("tiers"); }, {"test.json", "'tiers'", "missing"});
  expect_error([](json& s) { s["tiers"] = json::array(); }, {"'tiers'", "non-empty array"});
  expect_error([](json& s) { s["tiers"] = 3; }, {"'tiers'", "non-empty array"});
  expect_error([](json& s) { s["tier"] = 1; }, {"unknown key 'tier'"});
  expect_error([](json& s) { s["tiers"][1] = "edge"; }, {"tiers[1]", "must be an object"});
}

TEST_CASE("tier: every field is validated, the error names source, tier and field") {
  // Missing fields.
  for (const char* field : {"threads", "cpu_share", "isa", "memory", "link"}) {
    CAPTURE(field);
    expect_error([&](json& s) { s["tiers"][1].erase(field); },
                 {"test.json: tier 'edge'", (std::string("'") + field + "'").c_str(), "missing"});
  }
  for (const char* field : {"bandwidth_mbit", "rtt_ms", "jitter_ms"}) {
    CAPTURE(field);
    expect_error([&](json& s) { s["tiers"][0]["link"].erase(field); },
                 {"tier 'mobile'", "'link'", (std::string("'") + field + "'").c_str(), "missing"});
  }
  expect_error([](json& s) { s["tiers"][0].erase("name"); }, {"tiers[0]", "'name'", "missing"});

  // Wrong types.
  expect_error([](json& s) { s["tiers"][0]["name"] = 5; }, {"tiers[0]", "'name'", "must be a string"});
  expect_error([](json& s) { s["tiers"][0]["threads"] = "2"; }, {"tier 'mobile'", "'threads'", "integer"});
  expect_error([](json& s) { s["tiers"][0]["threads"] = 1.5; }, {"'threads'", "integer"});
  expect_error([](json& s) { s["tiers"][0]["cpu_share"] = "half"; }, {"'cpu_share'", "must be a number"});
  expect_error([](json& s) { s["tiers"][0]["isa"] = 2; }, {"'isa'", "must be a string"});
  expect_error([](json& s) { s["tiers"][0]["memory"] = 1.5; }, {"'memory'", "integer byte count"});
  expect_error([](json& s) { s["tiers"][0]["memory"] = true; }, {"'memory'", "integer byte count"});
  expect_error([](json& s) { s["tiers"][0]["link"] = 200; }, {"'link'", "must be an object"});
  expect_error([](json& s) { s["tiers"][0]["link"]["rtt_ms"] = "4ms"; }, {"'rtt_ms'", "must be a number"});
  expect_error([](json& s) { s["tiers"][0]["description"] = 1; }, {"'description'", "must be a string"});

  // Out of range.
  expect_error([](json& s) { s["tiers"][0]["threads"] = 0; }, {"'threads'", "[1, 1024]", "got 0"});
  expect_error([](json& s) { s["tiers"][0]["threads"] = -3; }, {"'threads'", "got -3"});
  expect_error([](json& s) { s["tiers"][0]["threads"] = uint64_t(1) << 63; }, {"'threads'", "[1, 1024]"});
  expect_error([](json& s) { s["tiers"][0]["cpu_share"] = 0; }, {"'cpu_share'", "(0, 64]"});
  expect_error([](json& s) { s["tiers"][0]["cpu_share"] = -0.5; }, {"'cpu_share'", "got -0.5"});
  expect_error([](json& s) { s["tiers"][0]["cpu_share"] = 65; }, {"'cpu_share'", "got 65"});
  expect_error([](json& s) { s["tiers"][0]["link"]["bandwidth_mbit"] = 0; }, {"'bandwidth_mbit'", "(0,"});
  expect_error([](json& s) { s["tiers"][0]["link"]["rtt_ms"] = -1; }, {"'rtt_ms'", "[0,"});
  expect_error([](json& s) { s["tiers"][0]["link"]["jitter_ms"] = -0.1; }, {"'jitter_ms'", "[0,"});
  expect_error([](json& s) { s["tiers"][0]["memory"] = 0; }, {"'memory'", "> 0"});
  expect_error([](json& s) { s["tiers"][0]["memory"] = -5; }, {"'memory'", "> 0"});
  expect_error([](json& s) { s["tiers"][0]["memory"] = uint64_t(1) << 63; }, {"'memory'", "too large"});
  expect_error([](json& s) { s["tiers"][0]["memory"] = "4GB"; }, {"tier 'mobile'", "'memory'", "4GB"});

  // Bad values, duplicates, unknown keys.
  expect_error([](json& s) { s["tiers"][0]["isa"] = "neon"; }, {"'isa'", "unknown ISA 'neon'", "avx512vnni"});
  for (const char* name : {"", "Mobile", "../x", "-a", "a b", "abcdefghijklmnopqrstuvwxyz0123456"}) {
    CAPTURE(name);
    expect_error([&](json& s) { s["tiers"][0]["name"] = name; }, {"tiers[0]", "'name'", "not a valid tier name"});
  }
  expect_error([](json& s) { s["tiers"][1]["name"] = "mobile"; }, {"tier 'mobile'", "duplicate"});
  expect_error([](json& s) { s["tiers"][0]["cpu"] = 1; }, {"tier 'mobile'", "unknown key 'cpu'"});
  expect_error([](json& s) { s["tiers"][0]["link"]["latency_ms"] = 1; }, {"'link'", "unknown key 'latency_ms'"});
}

}  // namespace
}  // namespace edgerun
