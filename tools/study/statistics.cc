#include "tools/study/statistics.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <string>
#include <utility>

namespace edgerun::study {

namespace {

constexpr int kMaxIterations = 100000;  // the fractions below converge in O(sqrt(a)) steps; a <= N/2 here
constexpr double kEpsilon = 1e-15;
constexpr double kTiny = 1e-300;

// f = b0 + a1 / (b1 + a2 / (b2 + ...)) by the modified Lentz method; terms(i) returns {a_i, b_i}, i >= 1.
template <typename Terms>
double continued_fraction(double b0, Terms terms) {
  double f = b0 == 0 ? kTiny : b0;
  double c = f, d = 0;
  for (int i = 1; i <= kMaxIterations; ++i) {
    const auto [a, b] = terms(i);
    d = b + a * d;
    c = b + a / c;
    if (std::fabs(d) < kTiny) d = kTiny;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1 / d;
    const double delta = c * d;
    f *= delta;
    if (std::fabs(delta - 1) < kEpsilon) break;
  }
  return f;
}

// Q(a, x) = Gamma(a, x) / Gamma(a): a power series for P = 1 - Q below x = a + 1, where it converges fast,
// and Legendre's continued fraction for Q above, where it does (and keeps small tails to full precision).
double regularized_gamma_q(double a, double x) {
  if (x <= 0) return 1;
  const double front = std::exp(-x + a * std::log(x) - std::lgamma(a));
  if (x < a + 1) {
    double term = 1 / a, sum = term;
    for (int n = 1; n <= kMaxIterations && std::fabs(term) > std::fabs(sum) * kEpsilon; ++n) {
      term *= x / (a + n);
      sum += term;
    }
    return 1 - front * sum;
  }
  const double fraction = continued_fraction(0.0, [a, x](int i) -> std::pair<double, double> {
    if (i == 1) return {1.0, x + 1 - a};
    const double k = i - 1;
    return {-k * (k - a), x + 2 * k + 1 - a};
  });
  return front * fraction;
}

// I_x(a, b), given x and y = 1 - x separately so that neither loses digits to the subtraction. The continued
// fraction converges fast for x < (a + 1) / (a + b + 2); above, I_x(a, b) = 1 - I_y(b, a).
double regularized_beta(double a, double b, double x, double y) {
  if (x <= 0) return 0;
  if (y <= 0) return 1;
  if (x > (a + 1) / (a + b + 2)) return 1 - regularized_beta(b, a, y, x);
  const double front =
      std::exp(a * std::log(x) + b * std::log(y) + std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b)) / a;
  const double fraction = continued_fraction(0.0, [a, b, x](int i) -> std::pair<double, double> {
    if (i == 1) return {1.0, 1.0};
    const int j = i - 1;
    const double m = j / 2;
    if (j % 2 == 0) return {m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)), 1.0};
    return {-(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1)), 1.0};
  });
  return front * fraction;
}

Status check_finite(const std::vector<double>& values, const std::string& what) {
  for (size_t i = 0; i < values.size(); ++i) {
    if (!std::isfinite(values[i])) return invalid_argument(what + " value " + std::to_string(i) + " is not finite");
  }
  return Status::Ok();
}

Status check_groups(const std::vector<std::vector<double>>& groups, const char* test) {
  if (groups.size() < 2) {
    return invalid_argument(std::string(test) + " needs at least 2 groups, got " + std::to_string(groups.size()));
  }
  for (size_t g = 0; g < groups.size(); ++g) {
    const std::string what = std::string(test) + ": group " + std::to_string(g);
    if (groups[g].empty()) return invalid_argument(what + " is empty");
    RETURN_IF_ERROR(check_finite(groups[g], what));
  }
  return Status::Ok();
}

struct Ranking {
  std::vector<double> ranks;  // 1-based; tied values share the average of their positions
  double tie_term = 0;        // sum over tie groups of t^3 - t
};

Ranking rank_average(const std::vector<double>& values) {
  const size_t n = values.size();
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), size_t{0});
  std::sort(order.begin(), order.end(), [&](size_t i, size_t j) { return values[i] < values[j]; });
  Ranking r{std::vector<double>(n), 0.0};
  for (size_t start = 0; start < n;) {
    size_t end = start + 1;
    while (end < n && values[order[end]] == values[order[start]]) ++end;
    const double rank = 0.5 * static_cast<double>(start + 1 + end);
    for (size_t i = start; i < end; ++i) r.ranks[order[i]] = rank;
    const double t = static_cast<double>(end - start);
    r.tie_term += t * t * t - t;
    start = end;
  }
  return r;
}

// The pooled ranks and mean rank per group, shared by Kruskal-Wallis and Conover.
struct PooledRanks {
  Ranking ranking;
  std::vector<double> mean_rank;
  double n = 0;
  bool all_equal = false;
};

PooledRanks pool_and_rank(const std::vector<std::vector<double>>& groups) {
  std::vector<double> pooled;
  for (const auto& g : groups) pooled.insert(pooled.end(), g.begin(), g.end());
  PooledRanks p;
  p.n = static_cast<double>(pooled.size());
  p.all_equal = std::all_of(pooled.begin(), pooled.end(), [&](double v) { return v == pooled[0]; });
  p.ranking = rank_average(pooled);
  size_t offset = 0;
  for (const auto& g : groups) {
    const auto first = p.ranking.ranks.begin() + static_cast<std::ptrdiff_t>(offset);
    const double sum = std::accumulate(first, first + static_cast<std::ptrdiff_t>(g.size()), 0.0);
    p.mean_rank.push_back(sum / static_cast<double>(g.size()));
    offset += g.size();
  }
  return p;
}

// The tie-corrected H, written as 12 / (N (N + 1)) sum n_i (mean rank_i - (N + 1) / 2)^2: algebraically
// SciPy's 12 / (N (N + 1)) sum R_i^2 / n_i - 3 (N + 1) without its cancellation of two terms near 3N.
double kruskal_h(const std::vector<std::vector<double>>& groups, const PooledRanks& p) {
  const double centre = (p.n + 1) / 2;
  double between = 0;
  for (size_t g = 0; g < groups.size(); ++g) {
    between += static_cast<double>(groups[g].size()) * (p.mean_rank[g] - centre) * (p.mean_rank[g] - centre);
  }
  const double h = 12 / (p.n * (p.n + 1)) * between;
  return h / (1 - p.ranking.tie_term / (p.n * p.n * p.n - p.n));
}

// Holm's step-down adjustment as statsmodels' multipletests(method="holm"): the i-th smallest of m p-values
// times (m - i), made non-decreasing in that order, capped at 1.
void holm_adjust(std::vector<ConoverPair>& pairs) {
  std::vector<size_t> order(pairs.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t i, size_t j) { return pairs[i].p_value < pairs[j].p_value; });
  double running = 0;
  for (size_t i = 0; i < order.size(); ++i) {
    running = std::max(running, static_cast<double>(order.size() - i) * pairs[order[i]].p_value);
    pairs[order[i]].p_value = std::min(1.0, running);
  }
}

// Number of subsets of {1, ..., n} per sum 0 .. n(n+1)/2: the null distribution of R+ times 2^n. Exact in
// doubles for n <= 50 (every count < 2^53).
std::vector<double> signed_rank_counts(size_t n) {
  std::vector<double> counts(n * (n + 1) / 2 + 1, 0.0);
  counts[0] = 1;
  for (size_t k = 1; k <= n; ++k) {
    for (size_t s = k * (k + 1) / 2; s >= k; --s) counts[s] += counts[s - k];
  }
  return counts;
}

}  // namespace

double chi_square_sf(double x, double df) { return regularized_gamma_q(df / 2, x / 2); }

double student_t_sf(double t, double df) {
  if (std::isinf(t)) return t > 0 ? 0 : 1;
  const double t2 = t * t;
  const double tail = 0.5 * regularized_beta(df / 2, 0.5, df / (df + t2), t2 / (df + t2));
  return t > 0 ? tail : 1 - tail;
}

Result<KruskalWallisResult> kruskal_wallis(const std::vector<std::vector<double>>& groups) {
  RETURN_IF_ERROR(check_groups(groups, "Kruskal-Wallis"));
  KruskalWallisResult r;
  r.df = static_cast<int>(groups.size()) - 1;
  const PooledRanks p = pool_and_rank(groups);
  if (p.all_equal) return r;  // the tie correction is 0 / 0: no ranking, no evidence
  r.h = kruskal_h(groups, p);
  r.p_value = chi_square_sf(r.h, r.df);
  return r;
}

Result<ConoverResult> conover(const std::vector<std::vector<double>>& groups, PAdjust adjust) {
  RETURN_IF_ERROR(check_groups(groups, "Conover"));
  const PooledRanks p = pool_and_rank(groups);
  const double k = static_cast<double>(groups.size());
  if (p.n <= k) {
    return invalid_argument("Conover needs more values than groups (N - k degrees of freedom), got " +
                            std::to_string(static_cast<size_t>(p.n)) + " values in " + std::to_string(groups.size()) +
                            " groups");
  }
  ConoverResult r;
  r.df = static_cast<int>(p.n - k);
  r.adjust = adjust;
  double scale = 0;  // S2 (N - 1 - H) / (N - k); 0 when all values are equal
  if (!p.all_equal) {
    const double centre = (p.n + 1) / 2;
    double s2 = 0;
    for (double rank : p.ranking.ranks) s2 += (rank - centre) * (rank - centre);
    s2 /= p.n - 1;
    // H <= N - 1 in exact arithmetic; rounding may cross it when each group is constant.
    scale = s2 * std::max(0.0, (p.n - 1 - kruskal_h(groups, p)) / (p.n - k));
  }
  for (size_t a = 0; a < groups.size(); ++a) {
    for (size_t b = a + 1; b < groups.size(); ++b) {
      ConoverPair pair{a, b, 0.0, 1.0};
      const double diff = std::fabs(p.mean_rank[a] - p.mean_rank[b]);
      const double se =
          std::sqrt(scale * (1 / static_cast<double>(groups[a].size()) + 1 / static_cast<double>(groups[b].size())));
      if (se > 0) {
        pair.t = diff / se;
      } else if (diff > 0) {
        pair.t = std::numeric_limits<double>::infinity();
      }
      pair.p_value = 2 * student_t_sf(pair.t, r.df);
      r.pairs.push_back(pair);
    }
  }
  if (adjust == PAdjust::kHolm) holm_adjust(r.pairs);
  return r;
}

CliffMagnitude cliff_magnitude(double delta) {
  const double d = std::fabs(delta);
  if (d < 0.147) return CliffMagnitude::kNegligible;
  if (d < 0.33) return CliffMagnitude::kSmall;
  if (d < 0.474) return CliffMagnitude::kMedium;
  return CliffMagnitude::kLarge;
}

const char* cliff_magnitude_name(CliffMagnitude magnitude) {
  switch (magnitude) {
    case CliffMagnitude::kNegligible: return "negligible";
    case CliffMagnitude::kSmall: return "small";
    case CliffMagnitude::kMedium: return "medium";
    case CliffMagnitude::kLarge: return "large";
  }
  return "?";
}

Result<CliffsDeltaResult> cliffs_delta(const std::vector<double>& x, const std::vector<double>& y) {
  if (x.empty() || y.empty()) return invalid_argument("Cliff's delta needs two non-empty samples");
  RETURN_IF_ERROR(check_finite(x, "Cliff's delta: x"));
  RETURN_IF_ERROR(check_finite(y, "Cliff's delta: y"));
  std::vector<double> sorted_y = y;
  std::sort(sorted_y.begin(), sorted_y.end());
  int64_t dominance = 0;  // #(x_i > y_j) - #(x_i < y_j)
  for (double v : x) {
    const auto below = std::lower_bound(sorted_y.begin(), sorted_y.end(), v) - sorted_y.begin();
    const auto above = sorted_y.end() - std::upper_bound(sorted_y.begin(), sorted_y.end(), v);
    dominance += below - above;
  }
  CliffsDeltaResult r;
  r.delta = static_cast<double>(dominance) / (static_cast<double>(x.size()) * static_cast<double>(y.size()));
  r.magnitude = cliff_magnitude(r.delta);
  return r;
}

Result<WilcoxonResult> wilcoxon_signed_rank(const std::vector<double>& x, const std::vector<double>& y) {
  if (x.size() != y.size()) {
    return invalid_argument("Wilcoxon: paired samples differ in length (" + std::to_string(x.size()) + " and " +
                            std::to_string(y.size()) + ")");
  }
  if (x.empty()) return invalid_argument("Wilcoxon: no pairs");
  RETURN_IF_ERROR(check_finite(x, "Wilcoxon: x"));
  RETURN_IF_ERROR(check_finite(y, "Wilcoxon: y"));
  std::vector<double> diffs, magnitudes;
  for (size_t i = 0; i < x.size(); ++i) {
    const double d = x[i] - y[i];
    if (d == 0) continue;
    diffs.push_back(d);
    magnitudes.push_back(std::fabs(d));
  }
  WilcoxonResult r;
  r.n = diffs.size();
  if (r.n == 0) return r;

  const Ranking ranking = rank_average(magnitudes);
  double r_plus = 0, r_minus = 0;
  for (size_t i = 0; i < r.n; ++i) (diffs[i] > 0 ? r_plus : r_minus) += ranking.ranks[i];
  r.statistic = std::min(r_plus, r_minus);
  const double n = static_cast<double>(r.n);

  if (x.size() <= 50 && r.n == x.size() && ranking.tie_term == 0) {
    r.method = WilcoxonMethod::kExact;
    const std::vector<double> counts = signed_rank_counts(r.n);
    const size_t observed = static_cast<size_t>(r_plus);  // an integer: no ties
    double at_most = 0, at_least = 0;
    for (size_t s = 0; s < counts.size(); ++s) {
      if (s <= observed) at_most += counts[s];
      if (s >= observed) at_least += counts[s];
    }
    r.p_value = std::min(1.0, 2 * std::ldexp(std::min(at_most, at_least), -static_cast<int>(r.n)));
    return r;
  }
  r.method = WilcoxonMethod::kNormal;
  const double mean = n * (n + 1) / 4;
  const double sd = std::sqrt((n * (n + 1) * (2 * n + 1) - ranking.tie_term / 2) / 24);
  r.z = (r.statistic - mean) / sd;
  r.p_value = std::erfc(std::fabs(r.z) / std::sqrt(2.0));
  return r;
}

}  // namespace edgerun::study
