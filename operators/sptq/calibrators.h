// Calibrators of static post-training quantization: from the values a tensor took on the calibration
// samples to the float range [min, max] its asymmetric uint8 quantization covers.
//
// Every calibrator sees the tensor twice: first its running min / max (MinMax), then, for the
// histogram calibrators, a histogram of kHistogramBins equal bins over exactly that range. Every range
// returned contains 0 (min <= 0 <= max), so 0 is exactly representable (zero padding, ReLU).
//   minmax      the observed [min, max].
//   percentile  both tails: clips (100 - p) / 2 percent of the values off each end. The cut points are
//               histogram bin edges: the lower edge of the bin holding the low quantile and the upper
//               edge of the bin holding the high one (never inside the kept mass); 99.99 by default.
//   entropy     TensorRT's KL-divergence calibration, generalized to asymmetric uint8 and made robust to
//               atoms. Candidate clip windows shrink both ends of the histogram towards zero in proportion
//               (window i keeps bins [z - z*i/B, z + (B-z)*i/B), z = the bin holding 0, i = 256..B: never
//               narrower than one bin per level), so the tensor's negative / positive ratio is kept.
//               Atoms: a bin holding more than 2x its baseline (the lower quartile of the counts of its 8
//               neighbours on each side; 0 in sparse tails) is an atom, its excess over the baseline a point
//               mass (exact zeros after ReLU, a constant background making one value per channel). For
//               each window:
//                 P = the window's counts, the clipped mass (atoms included) added to its first / last bin;
//                 Q = the window's counts less the atoms merged into 256 levels (uint8), each level's mass
//                     spread evenly over its bins with a non-zero remainder, plus every atom in its own bin;
//               the window with the least KL(P || Q) (zero bins of P skipped, empty bins of Q where P > 0
//               cost as 1e-9; ties keep the widest) wins. Why the atoms: a point mass lands on one level
//               whatever the window, but plain TensorRT Q spreads it over its level's bins, which costs
//               mass * log(bins per level) and so favours the narrowest window (one bin per level): on
//               images with constant backgrounds it clipped 8 % of a ReLU's mass. Clipped atoms still cost.
//   mse         the same candidate windows (i = 16..B); the one minimizing the expected squared error of
//               quantize-dequantize with the deployed uint8 parameters (u8_params) over the histogram,
//               each bin's mass at its center, wins.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "graph/status.h"

namespace edgerun::sptq {

enum class Calibrator { kMinMax, kPercentile, kEntropy, kMse };

// "minmax", "percentile", "entropy", "mse".
Result<Calibrator> parse_calibrator(const std::string& name);
const char* calibrator_name(Calibrator calibrator);
// Whether the calibrator needs the second pass (a histogram over the min/max range).
bool needs_histogram(Calibrator calibrator);

constexpr int kHistogramBins = 2048;

struct Range {
  float min = 0.0f;
  float max = 0.0f;
};

// Running min / max of a tensor over the samples (NaNs ignored).
class MinMax {
 public:
  void add(const float* x, int64_t n);
  bool empty() const { return empty_; }
  // The observed range widened to contain 0 ([0, 0] when nothing was seen).
  Range range() const;

 private:
  bool empty_ = true;
  float min_ = 0.0f;
  float max_ = 0.0f;
};

// Counts over `bins` equal bins spanning a range that contains 0; values outside fall into the end bins.
class Histogram {
 public:
  Histogram(Range range, int bins = kHistogramBins);
  void add(const float* x, int64_t n);
  // For tests: adds `count` values at x.
  void add_count(float x, double count);

  int bins() const { return static_cast<int>(counts_.size()); }
  const Range& range() const { return range_; }
  const std::vector<double>& counts() const { return counts_; }
  double edge(int i) const;  // lower edge of bin i; edge(bins()) is the upper end

 private:
  Range range_;
  double width_;
  std::vector<double> counts_;
};

// The calibrated range; `histogram` may be null for minmax. percentile in (0, 100].
Result<Range> calibrate(Calibrator calibrator, const MinMax& minmax, const Histogram* histogram, double percentile);

// The individual calibrators on a histogram (exposed for tests).
Range percentile_range(const Histogram& h, double percentile);
Range entropy_range(const Histogram& h);
Range mse_range(const Histogram& h);

// Asymmetric uint8 parameters of a range (with 0 in it): scale = (max - min) / 255, zero point =
// round(-min / scale) clamped to 0..255; a zero range gets scale 1, zero point 0.
struct U8Params {
  float scale = 1.0f;
  int32_t zero_point = 0;
};
U8Params u8_params(Range range);

}  // namespace edgerun::sptq
