// The study statistics against independent references: SciPy 1.10.1 (Debian 12's python3-scipy), and
// scikit-posthocs' Conover formula restated with pandas, SciPy's t distribution and statsmodels' Holm, as
// printed by tools/study/make_statistics_reference.py for the inputs built here by the same seeded
// generator; Cliff's delta against a brute-force count. Tolerances: 1e-9 relative for statistics, 1e-6
// relative for p-values.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "tools/study/statistics.h"

namespace edgerun::study {
namespace {

constexpr double kStatTol = 1e-9;
constexpr double kPTol = 1e-6;

void check_rel(double actual, double expected, double tol) {
  INFO("actual " << actual << ", expected " << expected);
  CHECK(std::fabs(actual - expected) <= tol * std::fabs(expected));
}

// splitmix64; make_statistics_reference.py has the same, so both build identical inputs.
struct SplitMix64 {
  uint64_t state;
  uint64_t next() {
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
};

// Latency-like values (base + a * b / span) / 64 with a, b uniform in [0, span): exact binary fractions.
std::vector<double> skewed(uint64_t seed, size_t n, int64_t base, uint64_t span) {
  SplitMix64 rng{seed};
  std::vector<double> out;
  for (size_t i = 0; i < n; ++i) {
    const uint64_t a = rng.next() % span, b = rng.next() % span;
    out.push_back(static_cast<double>(base + static_cast<int64_t>(a * b / span)) / 64.0);
  }
  return out;
}

// Paired differences (shift + a - span / 2) / 64 with a uniform in [0, span).
std::vector<double> centred(uint64_t seed, size_t n, int64_t shift, uint64_t span) {
  SplitMix64 rng{seed};
  std::vector<double> out;
  for (size_t i = 0; i < n; ++i) {
    const int64_t a = static_cast<int64_t>(rng.next() % span);
    out.push_back(static_cast<double>(shift + a - static_cast<int64_t>(span / 2)) / 64.0);
  }
  return out;
}

struct GroupSpec {
  uint64_t seed;
  size_t n;
  int64_t base;
  uint64_t span;
};

struct GroupCase {
  const char* name;
  std::vector<GroupSpec> groups;
  double h, p;
  std::vector<double> t, p_none, p_holm;  // Conover per pair (0,1), (0,2), ...
};

std::vector<std::vector<double>> build(const GroupCase& c) {
  std::vector<std::vector<double>> groups;
  for (const GroupSpec& g : c.groups) groups.push_back(skewed(g.seed, g.n, g.base, g.span));
  return groups;
}

// "distinct": no ties, unequal sizes; "tied": 12 distinct values in 150; "study": 6 x 500 latency-like.
const std::vector<GroupCase> kGroupCases = {
    {"distinct",
     {{11, 8, 0, 1u << 20}, {12, 11, 40000, 1u << 20}, {13, 14, 90000, 1u << 20}},
     10.263646781026452,
     0.00590578210301891,
     {1.244965644281301, 3.578396837868968, 2.5004720995669887},
     {0.22278201095841405, 0.0011984692695689145, 0.018095777079416314},
     {0.22278201095841405, 0.003595407808706743, 0.03619155415883263}},
    {"tied",
     {{21, 30, 0, 12}, {22, 45, 2, 12}, {23, 25, 1, 12}, {24, 50, 3, 12}},
     39.06460564495071,
     1.6818191645877627e-08,
     {5.01218543107888, 2.2773658115544158, 6.8376534566124025, 2.263715514708802, 1.935488059539347,
      3.9288788663292826},
     {1.536114153700735e-06, 0.02421693406572309, 2.0439759654687836e-10, 0.025065443743897183, 0.05486308714248465,
      0.00013125686537997087},
     {7.680570768503676e-06, 0.07265080219716927, 1.2263855792812701e-09, 0.07265080219716927, 0.07265080219716927,
      0.0005250274615198835}},
    {"study",
     {{31, 500, 6400, 640},
      {32, 500, 6400, 640},
      {33, 500, 6420, 640},
      {34, 500, 6480, 640},
      {35, 500, 6400, 700},
      {36, 500, 6600, 640}},
     642.7918711146898,
     1.1441115868080894e-136,
     {0.7910727463453834, 2.655847106246985, 10.666148001694467, 1.2491228798811227, 22.45468344874864,
      3.4469198525923685, 11.45722074803985, 2.040195626226506, 23.245756195094025, 8.01030089544748,
      1.4067242263658626, 19.798836342501655, 9.417025121813344, 11.788535447054175, 21.20556056886752},
     {0.42896420189868667, 0.007952890642950877, 4.2847719475260164e-26, 0.21171778293051907, 2.481283524341394e-103,
      0.0005748312670840861, 8.945787415961513e-30, 0.04141842051149889, 4.98348550712582e-110, 1.6229623204445371e-15,
      0.15961296721971638, 4.3613129153407937e-82, 8.964900210211862e-21, 2.1866027145276616e-31,
      4.280524670330461e-93},
     {0.4788389016591491, 0.039764453214754386, 3.856294752773415e-25, 0.4788389016591491, 3.4737969340779516e-102,
      0.0034489876025045165, 8.945787415961513e-29, 0.16567368204599556, 7.47522826068873e-109, 1.136073624311176e-14,
      0.4788389016591491, 5.233575498408952e-81, 7.17192016816949e-20, 2.4052629859804277e-30, 5.564682071429599e-92}},
};

TEST_CASE("study statistics: chi-square and Student t tails against SciPy") {
  struct Point {
    double x, df, sf;
  };
  const Point chi2[] = {{0.001, 3.0, 0.9999915920809419},    {0.5, 1.0, 0.47950012218695337},
                        {3.2, 2.0, 0.2018965179946554},      {11.07, 5.0, 0.050009618622405425},
                        {50.0, 5.0, 1.3857973367009573e-09}, {200.0, 5.0, 2.8406228986415534e-41},
                        {7.5, 0.5, 0.0020628347904533073}};
  for (const Point& p : chi2) {
    INFO("chi2 x " << p.x << " df " << p.df);
    check_rel(chi_square_sf(p.x, p.df), p.sf, kPTol);
  }
  const Point t[] = {{0.1, 5.0, 0.4621150705773302},        {1.0, 1.0, 0.24999999999999978},
                     {2.0, 10.0, 0.036694017385370196},     {12.0, 3.0, 0.000622507900394668},
                     {3.5, 2995.0, 0.00023602288764209832}, {40.0, 2995.0, 5.286589190919195e-281},
                     {-1.5, 7.0, 0.911350756505015}};
  for (const Point& p : t) {
    INFO("t " << p.x << " df " << p.df);
    check_rel(student_t_sf(p.x, p.df), p.sf, kPTol);
  }
  CHECK(chi_square_sf(0, 4) == 1);
  CHECK(student_t_sf(0, 4) == 0.5);
}

TEST_CASE("study statistics: Kruskal-Wallis and Conover against SciPy and scikit-posthocs' formula") {
  for (const GroupCase& c : kGroupCases) {
    INFO("case " << c.name);
    const auto groups = build(c);
    const auto kw = kruskal_wallis(groups);
    REQUIRE(kw.ok());
    CHECK(kw->df == static_cast<int>(groups.size()) - 1);
    check_rel(kw->h, c.h, kStatTol);
    check_rel(kw->p_value, c.p, kPTol);

    for (PAdjust adjust : {PAdjust::kNone, PAdjust::kHolm}) {
      const auto con = conover(groups, adjust);
      REQUIRE(con.ok());
      REQUIRE(con->pairs.size() == c.t.size());
      size_t total = 0;
      for (const auto& g : groups) total += g.size();
      CHECK(con->df == static_cast<int>(total - groups.size()));
      size_t i = 0;
      for (size_t a = 0; a < groups.size(); ++a) {
        for (size_t b = a + 1; b < groups.size(); ++b, ++i) {
          INFO("pair " << a << "," << b << (adjust == PAdjust::kHolm ? " holm" : " none"));
          CHECK(con->pairs[i].a == a);
          CHECK(con->pairs[i].b == b);
          check_rel(con->pairs[i].t, c.t[i], kStatTol);
          check_rel(con->pairs[i].p_value, adjust == PAdjust::kHolm ? c.p_holm[i] : c.p_none[i], kPTol);
        }
      }
    }
  }
  const auto defaulted = conover(build(kGroupCases[0]));
  REQUIRE(defaulted.ok());
  CHECK(defaulted->adjust == PAdjust::kHolm);
}

TEST_CASE("study statistics: all values equal is no evidence of a difference, not NaN") {
  const std::vector<std::vector<double>> same{{2.5, 2.5, 2.5}, {2.5, 2.5}, {2.5, 2.5, 2.5, 2.5}};
  const auto kw = kruskal_wallis(same);
  REQUIRE(kw.ok());
  CHECK(kw->h == 0);
  CHECK(kw->p_value == 1);
  CHECK(kw->df == 2);
  const auto con = conover(same);
  REQUIRE(con.ok());
  REQUIRE(con->pairs.size() == 3);
  for (const ConoverPair& p : con->pairs) {
    CHECK(p.t == 0);
    CHECK(p.p_value == 1);
  }
}

TEST_CASE("study statistics: Conover with constant groups (zero standard error)") {
  // Groups 0 and 1 hold the same constant, group 2 another: H reaches N - 1, the standard error is 0.
  const std::vector<std::vector<double>> groups{{1, 1}, {1, 1, 1}, {3, 3}};
  const auto con = conover(groups, PAdjust::kNone);
  REQUIRE(con.ok());
  REQUIRE(con->pairs.size() == 3);
  CHECK(con->pairs[0].t == 0);
  CHECK(con->pairs[0].p_value == 1);
  for (size_t i = 1; i < 3; ++i) {
    CHECK(std::isinf(con->pairs[i].t));
    CHECK(con->pairs[i].p_value == 0);
  }
}

TEST_CASE("study statistics: bad groups are invalid arguments") {
  CHECK(kruskal_wallis({{1, 2, 3}}).status().code() == StatusCode::kInvalidArgument);
  CHECK(kruskal_wallis({}).status().code() == StatusCode::kInvalidArgument);
  const auto empty = kruskal_wallis({{1, 2}, {}});
  CHECK(empty.status().code() == StatusCode::kInvalidArgument);
  CHECK(empty.status().message().find("group 1 is empty") != std::string::npos);
  CHECK(kruskal_wallis({{1, NAN}, {2, 3}}).status().code() == StatusCode::kInvalidArgument);
  CHECK(conover({{1, 2}}).status().code() == StatusCode::kInvalidArgument);
  CHECK(conover({{1}, {}}).status().code() == StatusCode::kInvalidArgument);
  CHECK(conover({{1}, {2, INFINITY}}).status().code() == StatusCode::kInvalidArgument);
  // One value per group leaves N - k = 0 degrees of freedom.
  const auto no_df = conover({{1}, {2}, {3}});
  CHECK(no_df.status().code() == StatusCode::kInvalidArgument);
  CHECK(no_df.status().message().find("more values than groups") != std::string::npos);
  CHECK(kruskal_wallis({{1}, {2}, {3}}).ok());
}

struct PairedCase {
  const char* name;
  uint64_t seed_x, seed_d;
  size_t n;
  int64_t base;
  uint64_t span;
  int64_t shift;
  uint64_t dspan;
  WilcoxonMethod method;
  double statistic, p, z;
  size_t used;
};

TEST_CASE("study statistics: Wilcoxon signed-rank against SciPy") {
  // exact_12/exact_50: exact, the last n SciPy takes exact; normal_51: the first it approximates; zeros_20:
  // zeros dropped, approximated; ties_15: tied |d| without zeros (SciPy's method="approx", see the header);
  // accuracy_500: accuracy-like differences in {-3..5}/64 with zeros and ties.
  const PairedCase cases[] = {
      {"exact_12", 41, 42, 12, 3200, 1u << 16, 15000, 1u << 16, WilcoxonMethod::kExact, 11.0, 0.02685546875, 0.0, 12},
      {"exact_50", 43, 44, 50, 3200, 1u << 16, 8000, 1u << 16, WilcoxonMethod::kExact, 381.0, 0.012568191503659065, 0.0,
       50},
      {"normal_51", 45, 46, 51, 3200, 1u << 16, 9000, 1u << 16, WilcoxonMethod::kNormal, 380.0, 0.007985290596150978,
       -2.6526911236044657, 51},
      {"zeros_20", 47, 48, 20, 3200, 1u << 16, 1, 7, WilcoxonMethod::kNormal, 65.5, 0.36680592587554284,
       -0.902472495278404, 18},
      {"ties_15", 49, 50, 15, 3200, 1u << 16, -6, 24, WilcoxonMethod::kNormal, 15.5, 0.011406843233352022,
       -2.5299818340865774, 15},
      {"accuracy_500", 51, 52, 500, 64, 64, 1, 9, WilcoxonMethod::kNormal, 25488.0, 9.767876859631886e-18,
       -8.576647050611934, 438},
  };
  for (const PairedCase& c : cases) {
    INFO("case " << c.name);
    const std::vector<double> x = skewed(c.seed_x, c.n, c.base, c.span);
    const std::vector<double> d = centred(c.seed_d, c.n, c.shift, c.dspan);
    std::vector<double> y;
    for (size_t i = 0; i < c.n; ++i) y.push_back(x[i] - d[i]);
    const auto w = wilcoxon_signed_rank(x, y);
    REQUIRE(w.ok());
    CHECK(w->method == c.method);
    CHECK(w->n == c.used);
    check_rel(w->statistic, c.statistic, kStatTol);
    check_rel(w->p_value, c.p, kPTol);
    if (c.method == WilcoxonMethod::kNormal) {
      check_rel(w->z, c.z, kStatTol);
    } else {
      CHECK(w->z == 0);
    }
    // Swapping the samples mirrors the differences: the same two-sided test.
    const auto swapped = wilcoxon_signed_rank(y, x);
    REQUIRE(swapped.ok());
    CHECK(swapped->statistic == w->statistic);
    check_rel(swapped->p_value, w->p_value, 1e-12);
  }
}

TEST_CASE("study statistics: Wilcoxon with no difference and bad pairs") {
  const std::vector<double> same{0.5, 0.25, 0.75};
  const auto w = wilcoxon_signed_rank(same, same);
  REQUIRE(w.ok());
  CHECK(w->method == WilcoxonMethod::kNoDifference);
  CHECK(w->n == 0);
  CHECK(w->statistic == 0);
  CHECK(w->p_value == 1);

  const auto lengths = wilcoxon_signed_rank({1, 2, 3}, {1, 2});
  CHECK(lengths.status().code() == StatusCode::kInvalidArgument);
  CHECK(lengths.status().message().find("differ in length") != std::string::npos);
  CHECK(wilcoxon_signed_rank({}, {}).status().code() == StatusCode::kInvalidArgument);
  CHECK(wilcoxon_signed_rank({1, NAN}, {1, 2}).status().code() == StatusCode::kInvalidArgument);
}

// #(x_i > y_j) - #(x_i < y_j) over all pairs, divided by the pair count.
double brute_force_delta(const std::vector<double>& x, const std::vector<double>& y) {
  int64_t dominance = 0;
  for (double a : x) {
    for (double b : y) dominance += (a > b) - (a < b);
  }
  return static_cast<double>(dominance) / static_cast<double>(x.size() * y.size());
}

TEST_CASE("study statistics: Cliff's delta against a brute-force count") {
  struct Pair {
    std::vector<double> x, y;
  };
  const Pair pairs[] = {
      {skewed(61, 500, 6400, 640), skewed(62, 430, 6450, 640)},  // study-sized, ties, unequal sizes
      {skewed(63, 37, 0, 1u << 20), skewed(64, 53, 0, 1u << 20)},
      {skewed(65, 200, 0, 5), skewed(66, 300, 1, 5)},  // heavy ties
      {{3.0}, {1.0, 3.0, 5.0, 3.0}},
      {{2.0, 2.0}, {2.0}},
  };
  for (const Pair& p : pairs) {
    const auto r = cliffs_delta(p.x, p.y);
    REQUIRE(r.ok());
    const double expected = brute_force_delta(p.x, p.y);
    CHECK(r->delta == doctest::Approx(expected).epsilon(1e-15));
    CHECK(r->magnitude == cliff_magnitude(expected));
    const auto mirrored = cliffs_delta(p.y, p.x);
    REQUIRE(mirrored.ok());
    CHECK(mirrored->delta == -r->delta);
  }
  const auto apart = cliffs_delta({5, 6, 7}, {1, 2});
  REQUIRE(apart.ok());
  CHECK(apart->delta == 1);
  CHECK(apart->magnitude == CliffMagnitude::kLarge);
  CHECK(cliffs_delta({}, {1}).status().code() == StatusCode::kInvalidArgument);
  CHECK(cliffs_delta({1}, {NAN}).status().code() == StatusCode::kInvalidArgument);
}

TEST_CASE("study statistics: Cliff's delta labels at Romano et al.'s boundaries") {
  CHECK(cliff_magnitude(0.0) == CliffMagnitude::kNegligible);
  CHECK(cliff_magnitude(0.1469) == CliffMagnitude::kNegligible);
  CHECK(cliff_magnitude(0.147) == CliffMagnitude::kSmall);
  CHECK(cliff_magnitude(-0.147) == CliffMagnitude::kSmall);
  CHECK(cliff_magnitude(0.3299) == CliffMagnitude::kSmall);
  CHECK(cliff_magnitude(0.33) == CliffMagnitude::kMedium);
  CHECK(cliff_magnitude(-0.4739) == CliffMagnitude::kMedium);
  CHECK(cliff_magnitude(0.474) == CliffMagnitude::kLarge);
  CHECK(cliff_magnitude(-1.0) == CliffMagnitude::kLarge);
  CHECK(std::string(cliff_magnitude_name(CliffMagnitude::kNegligible)) == "negligible");
  CHECK(std::string(cliff_magnitude_name(CliffMagnitude::kMedium)) == "medium");
  CHECK(std::string(cliff_magnitude_name(CliffMagnitude::kLarge)) == "large");
}

}  // namespace
}  // namespace edgerun::study
