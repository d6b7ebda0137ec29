#!/usr/bin/python3
"""Prints the reference values of tests/unit/study_statistics_test.cc: Kruskal-Wallis, Conover's post-hoc
test, Wilcoxon's signed-rank test and the chi-square / Student t tails, computed by SciPy (and statsmodels'
Holm adjustment) for the same seeded inputs the test builds, so tools/study/statistics.cc is checked against
an independent implementation rather than against itself.

Run from the repository root with the system Python and Debian's packages:
    apt-get install -y python3-scipy python3-pandas python3-statsmodels
    /usr/bin/python3 tools/study/make_statistics_reference.py
The values in the test came from SciPy 1.10.1, statsmodels 0.13.5, pandas 1.5.3 (Debian 12).

Conover: scikit-posthocs is not packaged by Debian, so posthoc_conover below restates its code (v0.9,
_posthocs.py) step by step with pandas and SciPy's t distribution; the formula is Conover & Iman (1979).

Wilcoxon: the C++ code takes the exact null distribution only for n <= 50 with neither zeros nor ties.
SciPy 1.10.1's default (method='auto') also takes it with ties, on int(r_plus) of a half-integer rank sum,
which is no valid test (SciPy >= 1.13 switches to a permutation test there); for tied inputs the
reference is therefore SciPy's normal approximation (method='approx'), asserted below to be tied.

Inputs: integers from splitmix64 divided by 64 (exact binary fractions, so both languages build the same
doubles, and x - y of paired values is exact). The C++ test has the same generator and case table.
"""
import itertools
import warnings

import numpy as np
import pandas as pd
import scipy
import scipy.stats as ss
from statsmodels.stats.multitest import multipletests

MASK = (1 << 64) - 1


class SplitMix64:
    def __init__(self, seed):
        self.state = seed & MASK

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)


def skewed(seed, n, base, span):
    """Latency-like values: (base + a * b / span) / 64 with a, b uniform in [0, span): skewed right."""
    rng = SplitMix64(seed)
    out = []
    for _ in range(n):
        a, b = rng.next() % span, rng.next() % span
        out.append((base + a * b // span) / 64.0)
    return out


def centred(seed, n, shift, span):
    """Paired differences: (shift + a - span / 2) / 64 with a uniform in [0, span)."""
    rng = SplitMix64(seed)
    return [(shift + rng.next() % span - span // 2) / 64.0 for _ in range(n)]


# (seed, n, base, span) per group; the test's kGroupCases lists the same.
GROUP_CASES = {
    "distinct": [(11, 8, 0, 1 << 20), (12, 11, 40000, 1 << 20), (13, 14, 90000, 1 << 20)],
    "tied": [(21, 30, 0, 12), (22, 45, 2, 12), (23, 25, 1, 12), (24, 50, 3, 12)],
    "study": [(31, 500, 6400, 640), (32, 500, 6400, 640), (33, 500, 6420, 640), (34, 500, 6480, 640),
              (35, 500, 6400, 700), (36, 500, 6600, 640)],
}
# (seed x, seed d, n, base x, span x, shift d, span d, expected method); y = x - d.
PAIRED_CASES = {
    "exact_12": (41, 42, 12, 3200, 1 << 16, 15000, 1 << 16, "exact"),
    "exact_50": (43, 44, 50, 3200, 1 << 16, 8000, 1 << 16, "exact"),
    "normal_51": (45, 46, 51, 3200, 1 << 16, 9000, 1 << 16, "normal"),
    "zeros_20": (47, 48, 20, 3200, 1 << 16, 1, 7, "normal"),
    "ties_15": (49, 50, 15, 3200, 1 << 16, -6, 24, "normal"),
    "accuracy_500": (51, 52, 500, 64, 64, 1, 9, "normal"),
}
CHI2_POINTS = [(0.001, 3), (0.5, 1), (3.2, 2), (11.07, 5), (50.0, 5), (200.0, 5), (7.5, 0.5)]
T_POINTS = [(0.1, 5), (1.0, 1), (2.0, 10), (12.0, 3), (3.5, 2995), (40.0, 2995), (-1.5, 7)]


def groups_of(case):
    return [skewed(*spec) for spec in GROUP_CASES[case]]


def paired_of(case):
    sx, sd, n, base, span, shift, dspan, _ = PAIRED_CASES[case]
    x = skewed(sx, n, base, span)
    d = centred(sd, n, shift, dspan)
    return x, [xi - di for xi, di in zip(x, d)]


def has_ties(values):
    return len(set(values)) < len(values)


def posthoc_conover(groups, p_adjust):
    """scikit-posthocs' posthoc_conover restated: pandas average ranks, its tie term and S2."""
    x = pd.DataFrame({"vals": np.concatenate(groups), "groups": np.repeat(np.arange(len(groups)),
                                                                       [len(g) for g in groups])})
    x = x.sort_values(by=["groups", "vals"], ascending=True)
    n = len(x.index)
    x_groups_unique = x["groups"].unique()
    x_len = x_groups_unique.size
    x_lens = x.groupby("groups")["vals"].count()
    x["ranks"] = x["vals"].rank()
    x_ranks_avg = x.groupby("groups")["ranks"].mean()
    x_ranks_sum = x.groupby("groups")["ranks"].sum().to_numpy()
    vals = x.groupby("ranks").count()["vals"].to_numpy()
    tie_sum = np.sum(vals[vals != 1] ** 3 - vals[vals != 1])
    tie_sum = 0 if not tie_sum else tie_sum
    x_ties = np.min([1.0, 1.0 - tie_sum / (n**3.0 - n)])
    h = (12.0 / (n * (n + 1.0))) * np.sum(x_ranks_sum**2 / x_lens) - 3.0 * (n + 1.0)
    h_cor = h / x_ties
    if x_ties == 1:
        s2 = n * (n + 1.0) / 12.0
    else:
        s2 = (1.0 / (n - 1.0)) * (np.sum(x["ranks"] ** 2.0) - (n * (((n + 1.0) ** 2.0) / 4.0)))
    ts, ps = [], []
    for i, j in itertools.combinations(range(x_len), 2):
        gi, gj = x_groups_unique[i], x_groups_unique[j]
        diff = np.abs(x_ranks_avg.loc[gi] - x_ranks_avg.loc[gj])
        b = 1.0 / x_lens.loc[gi] + 1.0 / x_lens.loc[gj]
        d = (n - 1.0 - h_cor) / (n - x_len)
        t = diff / np.sqrt(s2 * b * d)
        ts.append(t)
        ps.append(2.0 * ss.t.sf(np.abs(t), df=n - x_len))
    if p_adjust:
        ps = list(multipletests(ps, method=p_adjust)[1])
    return ts, ps


def fmt(v):
    return repr(float(v))


def main():
    print(f"// SciPy {scipy.__version__}, NumPy {np.__version__}, pandas {pd.__version__}")
    print("// Kruskal-Wallis and Conover: {case, H, p, {t per pair}, {p none}, {p holm}}")
    for case in GROUP_CASES:
        groups = groups_of(case)
        tied = has_ties(list(itertools.chain(*groups)))
        assert tied == (case != "distinct"), case
        h, p = ss.kruskal(*groups)
        ts, p_none = posthoc_conover(groups, None)
        _, p_holm = posthoc_conover(groups, "holm")
        print(f'{{"{case}", {fmt(h)}, {fmt(p)},')
        print("  {" + ", ".join(map(fmt, ts)) + "},")
        print("  {" + ", ".join(map(fmt, p_none)) + "},")
        print("  {" + ", ".join(map(fmt, p_holm)) + "}},")

    print("// Wilcoxon: {case, statistic, p, z (0 when exact), n used}")
    for case, spec in PAIRED_CASES.items():
        x, y = paired_of(case)
        d = np.subtract(x, y)
        nonzero = d[d != 0]
        tied = has_ties(list(np.abs(nonzero)))
        exact = spec[-1] == "exact"
        assert exact == (len(d) <= 50 and not tied and len(nonzero) == len(d)), case
        with warnings.catch_warnings():  # SciPy warns that zeros switch it to the normal approximation
            warnings.simplefilter("ignore")
            default = ss.wilcoxon(x, y)
        res = default if exact else ss.wilcoxon(x, y, method="approx")
        # SciPy's default is the reference except for ties without zeros at n <= 50 (see the docstring).
        assert res.pvalue == default.pvalue or (tied and len(nonzero) == len(d) <= 50), case
        z = 0.0 if exact else res.zstatistic
        print(f'{{"{case}", {fmt(res.statistic)}, {fmt(res.pvalue)}, {fmt(z)}, {len(nonzero)}}},')

    print("// chi-square upper tail: {x, df, sf}")
    for x, df in CHI2_POINTS:
        print(f"{{{fmt(x)}, {fmt(df)}, {fmt(ss.chi2.sf(x, df))}}},")
    print("// Student t upper tail: {t, df, sf}")
    for t, df in T_POINTS:
        print(f"{{{fmt(t)}, {fmt(df)}, {fmt(ss.t.sf(t, df))}}},")


if __name__ == "__main__":
    main()
