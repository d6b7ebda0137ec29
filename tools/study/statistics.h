// The statistics of the studies' protocol (../shared/STUDIES.md, "Protocol and statistics"): latency
// configurations compared by Kruskal-Wallis, then pairwise by Conover's post-hoc test, then by Cliff's delta;
// paired accuracy values by Wilcoxon's signed-rank test.
//
// Each test matches a named reference implementation, checked in tests/unit/study_statistics_test.cc
// against values printed by tools/study/make_statistics_reference.py (SciPy 1.10.1):
//   kruskal_wallis        scipy.stats.kruskal
//   conover               scikit_posthocs.posthoc_conover (p_adjust None or "holm")
//   wilcoxon_signed_rank  scipy.stats.wilcoxon with its defaults (zero_method="wilcox", correction=False,
//                         two-sided), except where noted below
// Where the references raise or return NaN (all values equal, all differences zero), these functions
// return a defined "no evidence of a difference" result instead; see each function.
// Bad input (too few groups, an empty group, a NaN or infinite value, paired vectors of different lengths)
// is an invalid_argument Status.
#pragma once

#include <cstddef>
#include <vector>

#include "graph/status.h"

namespace edgerun::study {

struct KruskalWallisResult {
  double h = 0;        // H with the tie correction: H / (1 - sum(t^3 - t) / (N^3 - N)), t = tie group sizes
  int df = 0;          // degrees of freedom: groups - 1
  double p_value = 1;  // upper tail of the chi-square distribution with df degrees of freedom at h
};

// Kruskal-Wallis H test over k >= 2 independent groups (the latency samples of k configurations), on
// average ranks of the pooled values. All values equal (SciPy raises): h = 0, p_value = 1.
Result<KruskalWallisResult> kruskal_wallis(const std::vector<std::vector<double>>& groups);

// How Conover's pairwise p-values are adjusted for multiplicity. Holm is the default: a study report
// compares every pair of its k placements (15 pairs for 6), so unadjusted p-values would call some
// differences significant by chance; Holm's step-down method controls the family-wise error rate like
// Bonferroni while rejecting at least as often. (scikit-posthocs itself defaults to no adjustment.)
enum class PAdjust { kNone, kHolm };

struct ConoverPair {
  size_t a = 0, b = 0;  // group indices, a < b
  double t = 0;         // |mean rank of a - mean rank of b| / its standard error
  double p_value = 1;   // two-sided, from Student's t with N - k degrees of freedom, adjusted as asked
};

struct ConoverResult {
  int df = 0;  // N - k
  PAdjust adjust = PAdjust::kHolm;
  std::vector<ConoverPair> pairs;  // (0,1), (0,2), ..., (0,k-1), (1,2), ..., (k-2,k-1)
};

// Conover's post-hoc test after Kruskal-Wallis (Conover & Iman 1979) as scikit-posthocs computes it, ties
// included: with ranks r over all N values, S2 = sum (r - (N+1)/2)^2 / (N - 1) and H the tie-corrected
// Kruskal-Wallis statistic,
//   t(a, b) = |mean r_a - mean r_b| / sqrt(S2 (1/n_a + 1/n_b) (N - 1 - H) / (N - k)).
// Needs N > k (df >= 1). Degenerate pairs instead of NaN: all values equal gives t = 0, p = 1 for every
// pair; a zero standard error (each group constant, groups apart) gives t = inf, p = 0 where the mean
// ranks differ and t = 0, p = 1 where they do not.
Result<ConoverResult> conover(const std::vector<std::vector<double>>& groups, PAdjust adjust = PAdjust::kHolm);

// Magnitude labels of Romano et al. (2006) for |delta|: < 0.147 negligible, < 0.33 small, < 0.474 medium,
// else large.
enum class CliffMagnitude { kNegligible, kSmall, kMedium, kLarge };

struct CliffsDeltaResult {
  double delta = 0;  // (#(x_i > y_j) - #(x_i < y_j)) / (n_x n_y), in [-1, 1]; > 0: x tends to be larger
  CliffMagnitude magnitude = CliffMagnitude::kNegligible;
};

// Cliff's delta between two non-empty samples, by sorting: O((n_x + n_y) log n_y).
Result<CliffsDeltaResult> cliffs_delta(const std::vector<double>& x, const std::vector<double>& y);
CliffMagnitude cliff_magnitude(double delta);
const char* cliff_magnitude_name(CliffMagnitude magnitude);  // "negligible", "small", "medium", "large"

enum class WilcoxonMethod {
  kExact,         // exact null distribution of the positive rank sum
  kNormal,        // normal approximation, tie-corrected variance, no continuity correction
  kNoDifference,  // every difference is zero: statistic 0, p_value 1 (SciPy raises)
};

struct WilcoxonResult {
  double statistic = 0;  // min(R+, R-), the rank sums of the positive and negative differences
  double p_value = 1;    // two-sided
  double z = 0;          // (statistic - n(n+1)/4) / sd, <= 0; 0 unless method is kNormal
  size_t n = 0;          // pairs used: those with a non-zero difference
  WilcoxonMethod method = WilcoxonMethod::kNoDifference;
};

// Wilcoxon's signed-rank test of the paired differences x[i] - y[i] (zero differences dropped, as
// zero_method="wilcox"). Exact when there are at most 50 pairs, none with a zero difference and no tied
// |differences|; otherwise the normal approximation. SciPy 1.10.1 also takes the exact distribution for
// tied |differences| (on a truncated half-integer rank sum, which is no valid test; SciPy >= 1.13 uses a
// permutation test there); we take the normal approximation instead.
Result<WilcoxonResult> wilcoxon_signed_rank(const std::vector<double>& x, const std::vector<double>& y);

// The distribution tails behind the p-values, exposed for their own tests: the upper tail P(X > x) of the
// chi-square distribution with df > 0 degrees of freedom (regularized upper incomplete gamma function) and
// of Student's t distribution with df > 0 (regularized incomplete beta function).
double chi_square_sf(double x, double df);
double student_t_sf(double t, double df);

}  // namespace edgerun::study
