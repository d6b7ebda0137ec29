// Accuracy-vs-latency plots of the study reports (issue 9): one self-contained SVG per tier with every
// configuration as a labelled marker and their Pareto front drawn as a step line, so that a reader sees at a
// glance which operators buy accuracy for their latency. Written as SVG text directly: no plotting library.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "graph/status.h"

namespace edgerun::study {

struct PlotPoint {
  std::string label;      // what the point is, e.g. the operator name
  double latency_ms = 0;  // x: lower is better
  double accuracy = 0;    // y, in percent: higher is better
};

// A point the plot can draw: finite accuracy, finite latency > 0 (a latency axis may be logarithmic, and no
// measured latency is zero). The others are skipped and named in a note line under the plot.
bool plottable(const PlotPoint& point);

// The indices of the Pareto-optimal points among those with finite coordinates, by increasing latency (and so
// increasing accuracy). Point a dominates b when a is no slower and no less accurate, and better in one of
// the two. Points equal in both coordinates dominate none of each other but show one trade-off: only the
// first of them (lowest index) is on the front, the others count as dominated.
std::vector<size_t> pareto_front(const std::vector<PlotPoint>& points);

enum class LatencyScale {
  kAuto,  // logarithmic when the plotted latencies span more than 10x (max > 10 min), else linear
  kLinear,
  kLog,
};

struct PlotOptions {
  int width = 720;   // SVG user units (pixels); raised to 540 if smaller, so the legend line fits
  int height = 480;  // raised to 320 if smaller
  LatencyScale latency_scale = LatencyScale::kAuto;
};

// Where accuracy_latency_svg draws the data: the axes' ranges, padded around the plottable points and rounded
// out to ticks (ticks at 1, 2, 5 x 10^k; on a logarithmic axis at 1 x 10^k, 1-2-5 or 1..9 per decade as the
// span allows); accuracy stays within [0, 100] when the data do. Exposed so that tests can check the drawing
// against it.
struct PlotScale {
  bool log_latency = false;
  double latency_min = 0, latency_max = 0;    // ms at the plot area's left and right edges
  double accuracy_min = 0, accuracy_max = 0;  // percent at its bottom and top edges
  std::vector<double> latency_ticks, accuracy_ticks;
  double left = 0, right = 0, top = 0, bottom = 0;  // the plot area in SVG units; y grows downwards

  double x(double latency_ms) const;  // SVG x of a latency
  double y(double accuracy) const;    // SVG y of an accuracy
};

// The scale for the plottable points among `points` (none: a unit range, unused by the "no data" plot).
PlotScale plot_scale(const std::vector<PlotPoint>& points, const PlotOptions& options);

// A self-contained SVG document: title, axes with ticks and grid lines, latency in ms on x, `metric_name` (%)
// on y, one circle of class "point" per plottable point (class "point front" on the Pareto front of the
// plottable points: larger, in the highlight color, drawn last) with its label placed where it overlaps
// other labels and markers least, the front (when it has two points or more) as a step polyline of class
// "front" (from each front point right to the next one's latency, then up to its accuracy), a legend line, and
// a note naming the skipped points. No plottable point: an SVG saying "no data". Labels and titles are XML-escaped.
std::string accuracy_latency_svg(const std::string& title, const std::string& metric_name,
                                 const std::vector<PlotPoint>& points, const PlotOptions& options = {});

// Writes `svg` to `path` (replacing it); an io_error Status when the file cannot be written.
Status write_svg(const std::string& path, const std::string& svg);

}  // namespace edgerun::study
