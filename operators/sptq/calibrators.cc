#include "operators/sptq/calibrators.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace edgerun::sptq {

namespace {

struct CalibratorName {
  Calibrator calibrator;
  const char* name;
};
constexpr CalibratorName kCalibrators[] = {{Calibrator::kMinMax, "minmax"},
                                           {Calibrator::kPercentile, "percentile"},
                                           {Calibrator::kEntropy, "entropy"},
                                           {Calibrator::kMse, "mse"}};

constexpr int kLevels = 256;  // uint8

Range with_zero(double lo, double hi) {
  return {static_cast<float>(std::min(lo, 0.0)), static_cast<float>(std::max(hi, 0.0))};
}

// Candidate window i of the entropy and mse searches: bins [a, b), both ends shrunk towards zero by i / B.
struct Window {
  int a = 0;
  int b = 0;
};
Window window(const Histogram& h, int i) {
  const double bins = h.bins();
  const double zero = std::clamp(-h.range().min / ((h.range().max - h.range().min) / bins), 0.0, bins);
  Window w;
  w.a = static_cast<int>(std::lround(zero * (1.0 - i / bins)));
  w.b = static_cast<int>(std::lround(zero + (bins - zero) * i / bins));
  return w;
}

bool degenerate(const Histogram& h) { return !(h.range().max > h.range().min); }

// KL(P || Q) of window [a, b) (see the header).
double window_divergence(const std::vector<double>& counts, const std::vector<double>& prefix, Window w) {
  const int n = w.b - w.a;
  std::vector<double> p(counts.begin() + w.a, counts.begin() + w.b);
  p.front() += prefix[static_cast<size_t>(w.a)];
  p.back() += prefix.back() - prefix[static_cast<size_t>(w.b)];
  std::vector<double> q(static_cast<size_t>(n), 0.0);
  for (int level = 0; level < kLevels; ++level) {
    const int begin = level * n / kLevels, end = (level + 1) * n / kLevels;
    double mass = 0.0;
    int nonzero = 0;
    for (int k = begin; k < end; ++k) {
      mass += counts[static_cast<size_t>(w.a + k)];
      nonzero += counts[static_cast<size_t>(w.a + k)] > 0.0;
    }
    if (nonzero == 0) continue;
    for (int k = begin; k < end; ++k) {
      if (counts[static_cast<size_t>(w.a + k)] > 0.0) q[static_cast<size_t>(k)] = mass / nonzero;
    }
  }
  double p_sum = 0.0, q_sum = 0.0;
  for (int k = 0; k < n; ++k) {
    p_sum += p[static_cast<size_t>(k)];
    q_sum += q[static_cast<size_t>(k)];
  }
  if (p_sum <= 0.0 || q_sum <= 0.0) return std::numeric_limits<double>::infinity();
  double kl = 0.0;
  for (int k = 0; k < n; ++k) {
    const double pk = p[static_cast<size_t>(k)] / p_sum;
    if (pk <= 0.0) continue;
    const double qk = q[static_cast<size_t>(k)] > 0.0 ? q[static_cast<size_t>(k)] / q_sum : 1e-9;
    kl += pk * std::log(pk / qk);
  }
  return kl;
}

// Expected squared quantize-dequantize error over the histogram for the uint8 parameters of `range`.
double expected_error(const Histogram& h, Range range) {
  const U8Params p = u8_params(range);
  double error = 0.0;
  for (int k = 0; k < h.bins(); ++k) {
    const double c = h.counts()[static_cast<size_t>(k)];
    if (c <= 0.0) continue;
    const double x = 0.5 * (h.edge(k) + h.edge(k + 1));
    const double q = std::clamp(std::nearbyint(x / p.scale) + p.zero_point, 0.0, 255.0);
    const double d = x - (q - p.zero_point) * p.scale;
    error += c * d * d;
  }
  return error;
}

// The window in [first, bins] with the least cost; ties keep the widest.
template <typename Cost>
Range best_window(const Histogram& h, int first, Cost cost) {
  double best = std::numeric_limits<double>::infinity();
  Window chosen{0, h.bins()};
  for (int i = h.bins(); i >= first; --i) {
    const Window w = window(h, i);
    if (w.b - w.a < 1) continue;
    const double c = cost(w);
    if (c < best) {
      best = c;
      chosen = w;
    }
  }
  return with_zero(h.edge(chosen.a), h.edge(chosen.b));
}

}  // namespace

Result<Calibrator> parse_calibrator(const std::string& name) {
  for (const CalibratorName& c : kCalibrators) {
    if (name == c.name) return c.calibrator;
  }
  return invalid_argument("unknown calibrator '" + name + "' (known: minmax, percentile, entropy, mse)");
}

const char* calibrator_name(Calibrator calibrator) {
  for (const CalibratorName& c : kCalibrators) {
    if (c.calibrator == calibrator) return c.name;
  }
  return "?";
}

bool needs_histogram(Calibrator calibrator) { return calibrator != Calibrator::kMinMax; }

void MinMax::add(const float* x, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    const float v = x[i];
    if (std::isnan(v)) continue;
    if (empty_) {
      min_ = max_ = v;
      empty_ = false;
    }
    min_ = std::min(min_, v);
    max_ = std::max(max_, v);
  }
}

Range MinMax::range() const { return with_zero(min_, max_); }

Histogram::Histogram(Range range, int bins) : range_(range), counts_(static_cast<size_t>(std::max(bins, 1)), 0.0) {
  width_ = range.max > range.min ? (static_cast<double>(range.max) - range.min) / counts_.size() : 1.0;
}

void Histogram::add(const float* x, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    if (!std::isnan(x[i])) add_count(x[i], 1.0);
  }
}

void Histogram::add_count(float x, double count) {
  const double pos = (static_cast<double>(x) - range_.min) / width_;
  const int last = bins() - 1;
  const int bin = pos <= 0.0 ? 0 : pos >= last ? last : static_cast<int>(pos);
  counts_[static_cast<size_t>(bin)] += count;
}

double Histogram::edge(int i) const { return i == bins() ? range_.max : range_.min + i * width_; }

Range percentile_range(const Histogram& h, double percentile) {
  if (degenerate(h)) return with_zero(h.range().min, h.range().max);
  double total = 0.0;
  for (double c : h.counts()) total += c;
  const double cut = total * (100.0 - percentile) / 200.0;
  int lo = 0, hi = h.bins() - 1;
  for (double below = 0.0; lo < h.bins() - 1; ++lo) {
    below += h.counts()[static_cast<size_t>(lo)];
    if (below > cut) break;
  }
  for (double above = 0.0; hi > 0; --hi) {
    above += h.counts()[static_cast<size_t>(hi)];
    if (above > cut) break;
  }
  return with_zero(h.edge(lo), h.edge(std::max(hi, lo) + 1));
}

Range entropy_range(const Histogram& h) {
  if (degenerate(h) || h.bins() < kLevels) return with_zero(h.range().min, h.range().max);
  // The bin holding 0 takes its neighbours' mean count: a spike of exact zeros (after ReLU, padding)
  // would otherwise dominate the divergence and favour the narrowest window (as NVIDIA's entropy
  // calibrator sets bins[0] = bins[1]).
  std::vector<double> counts = h.counts();
  const int zero =
      std::clamp(static_cast<int>(-h.range().min / ((h.range().max - h.range().min) / h.bins())), 0, h.bins() - 1);
  const int left = std::max(zero - 1, 0), right = std::min(zero + 1, h.bins() - 1);
  counts[static_cast<size_t>(zero)] =
      left == zero    ? counts[static_cast<size_t>(right)]
      : right == zero ? counts[static_cast<size_t>(left)]
                      : 0.5 * (counts[static_cast<size_t>(left)] + counts[static_cast<size_t>(right)]);
  std::vector<double> prefix(counts.size() + 1, 0.0);
  for (size_t k = 0; k < counts.size(); ++k) prefix[k + 1] = prefix[k] + counts[k];
  return best_window(h, kLevels, [&](Window w) {
    return w.b - w.a < kLevels ? std::numeric_limits<double>::infinity() : window_divergence(counts, prefix, w);
  });
}

Range mse_range(const Histogram& h) {
  if (degenerate(h)) return with_zero(h.range().min, h.range().max);
  return best_window(h, std::max(1, h.bins() / 128),
                     [&](Window w) { return expected_error(h, with_zero(h.edge(w.a), h.edge(w.b))); });
}

Result<Range> calibrate(Calibrator calibrator, const MinMax& minmax, const Histogram* histogram, double percentile) {
  if (calibrator == Calibrator::kMinMax) return minmax.range();
  if (histogram == nullptr) return internal_error(std::string(calibrator_name(calibrator)) + " needs a histogram");
  switch (calibrator) {
    case Calibrator::kPercentile:
      if (!(percentile > 0.0 && percentile <= 100.0))
        return invalid_argument("percentile must be in (0, 100], got " + std::to_string(percentile));
      return percentile_range(*histogram, percentile);
    case Calibrator::kEntropy: return entropy_range(*histogram);
    case Calibrator::kMse: return mse_range(*histogram);
    case Calibrator::kMinMax: break;
  }
  return minmax.range();
}

U8Params u8_params(Range range) {
  U8Params p;
  const double span = static_cast<double>(range.max) - range.min;
  if (!(span > 0.0)) return p;
  p.scale = static_cast<float>(span / 255.0);
  p.zero_point =
      static_cast<int32_t>(std::clamp(std::nearbyint(-range.min / static_cast<double>(p.scale)), 0.0, 255.0));
  return p;
}

}  // namespace edgerun::sptq
