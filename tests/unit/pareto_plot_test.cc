// The accuracy-vs-latency plots: the Pareto front on hand-made sets and against a brute-force dominance check
// on random ones; the SVG checked for well-formed markup (a tag-balance scan), its markers, its front step line
// against the exposed scale, escaping, the log-scale choice, and skipped points.
#include "tools/study/pareto_plot.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace edgerun::study {
namespace {

size_t count_of(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

// A structural XML check: one root element <svg>, every tag closed in order, quoted attributes, '&' only in
// the five predefined entities, nothing but whitespace after the root. Returns "" or what is wrong.
std::string xml_structure_error(const std::string& xml) {
  std::vector<std::string> open;
  bool root_seen = false;
  for (size_t i = 0; i < xml.size();) {
    const char c = xml[i];
    if (c == '&') {
      bool known = false;
      for (const char* entity : {"&amp;", "&lt;", "&gt;", "&quot;", "&apos;"}) {
        known = known || xml.compare(i, std::string(entity).size(), entity) == 0;
      }
      if (!known) return "bare '&' at " + std::to_string(i);
      ++i;
      continue;
    }
    if (c == '>') return "bare '>' at " + std::to_string(i);
    if (c != '<') {
      if (root_seen && open.empty() && !std::isspace(static_cast<unsigned char>(c))) return "text after the root";
      ++i;
      continue;
    }
    const size_t end = xml.find('>', i);
    if (end == std::string::npos) return "unterminated tag at " + std::to_string(i);
    const std::string tag = xml.substr(i + 1, end - i - 1);
    if (tag.find('<') != std::string::npos) return "'<' inside a tag at " + std::to_string(i);
    if (count_of(tag, "\"") % 2 != 0) return "unbalanced quotes in <" + tag + ">";
    if (tag.empty()) return "empty tag";
    if (tag[0] == '/') {
      if (open.empty() || open.back() != tag.substr(1)) return "</" + tag.substr(1) + "> closes nothing open";
      open.pop_back();
    } else {
      const std::string name = tag.substr(0, tag.find_first_of(" \t\n/"));
      if (open.empty() && root_seen) return "a second root <" + name + ">";
      if (!root_seen && name != "svg") return "the root is <" + name + ">, not <svg>";
      root_seen = true;
      if (tag.back() != '/') open.push_back(name);
    }
    i = end + 1;
  }
  if (!open.empty()) return "<" + open.back() + "> never closed";
  return root_seen ? "" : "no root element";
}

void check_well_formed(const std::string& svg) {
  CHECK(svg.rfind("<svg", 0) == 0);
  CHECK(svg.substr(svg.find_last_not_of(" \n") - 5, 6) == "</svg>");
  CHECK(xml_structure_error(svg) == "");
}

std::vector<std::pair<double, double>> front_polyline(const std::string& svg) {
  std::vector<std::pair<double, double>> out;
  const std::string key = "class=\"front\" points=\"";
  const size_t at = svg.find(key);
  if (at == std::string::npos) return out;
  std::istringstream in(svg.substr(at + key.size(), svg.find('"', at + key.size()) - at - key.size()));
  double x = 0, y = 0;
  char comma = 0;
  while (in >> x >> comma >> y) out.emplace_back(x, y);
  return out;
}

// Independent reference: i is on the front when no point dominates it and no earlier point equals it.
std::vector<size_t> brute_force_front(const std::vector<PlotPoint>& p) {
  std::vector<size_t> front;
  for (size_t i = 0; i < p.size(); ++i) {
    bool out = !std::isfinite(p[i].latency_ms) || !std::isfinite(p[i].accuracy);
    for (size_t j = 0; j < p.size() && !out; ++j) {
      if (j == i || !std::isfinite(p[j].latency_ms) || !std::isfinite(p[j].accuracy)) continue;
      const bool no_worse = p[j].latency_ms <= p[i].latency_ms && p[j].accuracy >= p[i].accuracy;
      const bool equal = p[j].latency_ms == p[i].latency_ms && p[j].accuracy == p[i].accuracy;
      out = no_worse && (!equal || j < i);
    }
    if (!out) front.push_back(i);
  }
  std::sort(front.begin(), front.end(), [&](size_t a, size_t b) { return p[a].latency_ms < p[b].latency_ms; });
  return front;
}

const std::vector<PlotPoint> kOperators = {
    {"identity", 40, 76.1},   {"sptq", 12, 75.4},      {"prune", 25, 73.0},       {"distill", 9, 70.2},
    {"early-exit", 30, 74.9}, {"prune+sptq", 8, 72.8}, {"distill+sptq", 6, 69.5}, {"svd", 26, 71.0},
};

TEST_CASE("pareto_plot: front of hand-made sets") {
  // prune (25, 73.0), early-exit (30, 74.9) and svd (26, 71.0) are beaten by sptq (12, 75.4); distill
  // (9, 70.2) by prune+sptq (8, 72.8).
  CHECK(pareto_front(kOperators) == std::vector<size_t>{6, 5, 1, 0});
  CHECK(pareto_front({}).empty());
  CHECK(pareto_front({{"only", 5, 50}}) == std::vector<size_t>{0});
  // All on the front, given out of order: sorted by latency.
  CHECK(pareto_front({{"c", 4, 70}, {"a", 1, 50}, {"d", 8, 80}, {"b", 2, 60}}) == std::vector<size_t>{1, 3, 0, 2});
  // Equal points: the first is kept once. Equally fast: the more accurate wins; equally accurate: the faster.
  CHECK(pareto_front({{"a", 10, 70}, {"b", 10, 70}}) == std::vector<size_t>{0});
  CHECK(pareto_front({{"a", 10, 70}, {"b", 10, 70}, {"c", 10, 72}, {"d", 12, 72}}) == std::vector<size_t>{2});
  CHECK(pareto_front({{"slow", 12, 70}, {"a", 10, 70}, {"b", 10, 70}}) == std::vector<size_t>{1});
  // Non-finite points are on no front and dominate nothing.
  CHECK(pareto_front({{"nan", 1, NAN}, {"a", 10, 70}, {"inf", INFINITY, 99}, {"b", NAN, 90}}) ==
        std::vector<size_t>{1});
}

TEST_CASE("pareto_plot: front against brute force on random sets with ties") {
  uint64_t state = 12345;
  auto next = [&state](int n) {  // LCG; coarse values so that ties are common
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<int>((state >> 33) % n);
  };
  for (int trial = 0; trial < 200; ++trial) {
    std::vector<PlotPoint> points(1 + next(12));
    for (PlotPoint& p : points) {
      p.latency_ms = 1 + next(6);
      p.accuracy = 60 + next(6);
      if (next(10) == 0) p.accuracy = NAN;
    }
    CHECK(pareto_front(points) == brute_force_front(points));
  }
}

TEST_CASE("pareto_plot: SVG markers and the front step line follow the scale") {
  const std::string svg = accuracy_latency_svg("resnet on edge", "top-1 accuracy", kOperators);
  check_well_formed(svg);
  CHECK(count_of(svg, "class=\"point") == kOperators.size());
  CHECK(count_of(svg, "class=\"point front\"") == 4);
  CHECK(svg.find("Pareto front: lower latency, higher accuracy") != std::string::npos);
  CHECK(svg.find("top-1 accuracy (%)") != std::string::npos);

  const PlotScale scale = plot_scale(kOperators, PlotOptions{});
  CHECK(!scale.log_latency);  // 6 .. 40 ms: under 10x
  // The step line: right from each front point at its accuracy, then up to the next one.
  std::vector<std::pair<double, double>> expected;
  const std::vector<size_t> front = pareto_front(kOperators);
  for (size_t k = 0; k < front.size(); ++k) {
    const PlotPoint& p = kOperators[front[k]];
    if (k > 0) expected.emplace_back(scale.x(p.latency_ms), scale.y(kOperators[front[k - 1]].accuracy));
    expected.emplace_back(scale.x(p.latency_ms), scale.y(p.accuracy));
  }
  const auto drawn = front_polyline(svg);
  REQUIRE(drawn.size() == expected.size());
  for (size_t k = 0; k < drawn.size(); ++k) {
    CHECK(std::fabs(drawn[k].first - expected[k].first) <= 0.006);
    CHECK(std::fabs(drawn[k].second - expected[k].second) <= 0.006);
  }
  // Every point lands inside the plot area; faster is left, more accurate is up.
  for (const PlotPoint& p : kOperators) {
    CHECK(scale.x(p.latency_ms) > scale.left);
    CHECK(scale.x(p.latency_ms) < scale.right);
    CHECK(scale.y(p.accuracy) > scale.top);
    CHECK(scale.y(p.accuracy) < scale.bottom);
  }
  CHECK(scale.x(6) < scale.x(9));
  CHECK(scale.y(76.1) < scale.y(69.5));
  // Ticks span the axes' ranges, which are rounded out to them.
  REQUIRE(scale.latency_ticks.size() >= 3);
  CHECK(scale.latency_ticks.front() == scale.latency_min);
  CHECK(scale.latency_ticks.back() == scale.latency_max);
  CHECK(scale.accuracy_ticks.front() == scale.accuracy_min);
  CHECK(scale.accuracy_ticks.back() == scale.accuracy_max);
  // Linear: equal latency steps are equal distances.
  CHECK(scale.x(20) - scale.x(10) == doctest::Approx(scale.x(30) - scale.x(20)));
}

TEST_CASE("pareto_plot: a single front point draws no step line") {
  const std::string svg = accuracy_latency_svg("t", "m", {{"a", 5, 70}, {"b", 6, 60}});
  check_well_formed(svg);
  CHECK(count_of(svg, "class=\"point front\"") == 1);
  CHECK(front_polyline(svg).empty());
}

TEST_CASE("pareto_plot: labels and titles are escaped") {
  const std::string svg = accuracy_latency_svg("a <b> & \"c\"", "acc & 'm'", {{"prune&sptq<2>", 5, 70}, {"x", 7, 71}});
  check_well_formed(svg);
  CHECK(svg.find("prune&amp;sptq&lt;2&gt;") != std::string::npos);
  CHECK(svg.find("prune&sptq") == std::string::npos);
  CHECK(svg.find("a &lt;b&gt; &amp; &quot;c&quot;") != std::string::npos);
  CHECK(svg.find("acc &amp; &apos;m&apos; (%)") != std::string::npos);
}

TEST_CASE("pareto_plot: logarithmic latency axis over more than 10x") {
  const std::vector<PlotPoint> wide = {{"mobile", 100, 70}, {"cloud", 1, 75}, {"edge", 10, 72}};
  const PlotScale log_scale = plot_scale(wide, PlotOptions{});
  CHECK(log_scale.log_latency);
  // Logarithmic: equal ratios are equal distances.
  CHECK(log_scale.x(10) - log_scale.x(1) == doctest::Approx(log_scale.x(100) - log_scale.x(10)));
  CHECK(log_scale.latency_min > 0);
  CHECK(log_scale.latency_min <= 1);
  CHECK(log_scale.latency_max >= 100);
  for (double t : log_scale.latency_ticks) {
    const double mantissa = t / std::pow(10.0, std::floor(std::log10(t) + 1e-9));
    CHECK(std::fabs(mantissa - std::round(mantissa)) < 1e-9);  // m x 10^e
  }
  const std::string svg = accuracy_latency_svg("t", "m", wide);
  check_well_formed(svg);
  CHECK(svg.find("latency (ms, log scale)") != std::string::npos);

  // Exactly 10x is not "more than 10x"; the choice can be forced either way.
  CHECK(!plot_scale({{"a", 1, 70}, {"b", 10, 71}}, PlotOptions{}).log_latency);
  CHECK(plot_scale({{"a", 1, 70}, {"b", 10.5, 71}}, PlotOptions{}).log_latency);
  PlotOptions linear;
  linear.latency_scale = LatencyScale::kLinear;
  CHECK(!plot_scale(wide, linear).log_latency);
  CHECK(accuracy_latency_svg("t", "m", wide, linear).find("log scale") == std::string::npos);
  PlotOptions log;
  log.latency_scale = LatencyScale::kLog;
  const PlotScale forced = plot_scale({{"a", 3, 70}, {"b", 4, 71}}, log);
  CHECK(forced.log_latency);
  CHECK(forced.latency_ticks.size() >= 2);
  CHECK(forced.x(3) > forced.left);
  CHECK(forced.x(4) < forced.right);
}

TEST_CASE("pareto_plot: accuracy axis stays within 0..100 around the data") {
  const PlotScale scale = plot_scale({{"a", 1, 97}, {"b", 2, 100}}, PlotOptions{});
  CHECK(scale.accuracy_max == 100);
  CHECK(scale.accuracy_min < 97);
  CHECK(scale.y(100) == doctest::Approx(scale.top));
}

TEST_CASE("pareto_plot: non-finite points are skipped and named") {
  const std::vector<PlotPoint> points = {
      {"good", 5, 70}, {"broken", 6, NAN}, {"hung", INFINITY, 72}, {"zero", 0, 71}, {"fine", 8, 74}};
  const std::string svg = accuracy_latency_svg("t", "m", points);
  check_well_formed(svg);
  CHECK(count_of(svg, "class=\"point") == 2);
  const size_t note = svg.find("Not plotted");
  REQUIRE(note != std::string::npos);
  const std::string note_line = svg.substr(note, svg.find('<', note) - note);
  CHECK(note_line.find("broken") != std::string::npos);
  CHECK(note_line.find("hung") != std::string::npos);
  CHECK(note_line.find("zero") != std::string::npos);
  CHECK(note_line.find("good") == std::string::npos);
  // The scale ignores them too: the NaN and infinity would make it useless.
  const PlotScale scale = plot_scale(points, PlotOptions{});
  CHECK(std::isfinite(scale.latency_max));
  CHECK(!scale.log_latency);
}

TEST_CASE("pareto_plot: no data") {
  const std::string empty = accuracy_latency_svg("empty", "m", {});
  check_well_formed(empty);
  CHECK(empty.find("no data") != std::string::npos);
  CHECK(count_of(empty, "class=\"point") == 0);
  CHECK(empty.find("Not plotted") == std::string::npos);

  const std::string all_nan = accuracy_latency_svg("t", "m", {{"lost", 3, NAN}});
  check_well_formed(all_nan);
  CHECK(all_nan.find("no data") != std::string::npos);
  CHECK(all_nan.find("Not plotted (accuracy or latency not finite, or latency &lt;= 0): lost") != std::string::npos);
}

TEST_CASE("pareto_plot: write_svg") {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("edgerun_plot_test_" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const std::string svg = accuracy_latency_svg("t", "m", kOperators);
  const std::string path = (dir / "plot.svg").string();
  REQUIRE(write_svg(path, svg).ok());
  std::ifstream in(path, std::ios::binary);
  std::stringstream read;
  read << in.rdbuf();
  CHECK(read.str() == svg);

  const Status missing = write_svg((dir / "no_such_dir" / "plot.svg").string(), svg);
  CHECK(missing.code() == StatusCode::kIoError);
  CHECK(missing.message().find("no_such_dir") != std::string::npos);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace edgerun::study
