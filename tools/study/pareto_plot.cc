#include "tools/study/pareto_plot.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <sstream>

namespace edgerun::study {

namespace {

// Layout in SVG units: the margins hold the title (top), tick labels and the y-axis title (left), and the
// tick labels, x-axis title, legend and note (bottom, one 18-unit line each).
constexpr double kMarginLeft = 64, kMarginRight = 24, kMarginTop = 44, kMarginBottom = 84;
constexpr int kMinWidth = 540, kMinHeight = 320;
constexpr double kLabelFont = 11;
constexpr double kCharWidth = 0.6;  // of the font size: an average sans-serif advance, for label boxes
constexpr double kDominatedRadius = 3.5, kFrontRadius = 5.5;
constexpr const char* kFrontColor = "#d62728";
constexpr const char* kDominatedColor = "#8c99a6";
constexpr size_t kMaxNotedLabels = 8;

std::string num(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.2f", v);
  return buffer;
}

// Tick values are k * step or m * 10^e: 8 significant digits drop their binary rounding (0.30000000000000004).
std::string tick_label(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.8g", v);
  return buffer;
}

std::string escape_xml(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        // Control characters other than tab and newline are not allowed in XML 1.0 at all.
        out += (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n') ? ' ' : c;
    }
  }
  return out;
}

// Characters, not bytes, of UTF-8 text: for the estimated width of a label.
size_t text_length(const std::string& text) {
  return std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; });
}

struct Axis {
  double min = 0, max = 1;
  std::vector<double> ticks;
};

// 1, 2, 5 or 10 times a power of ten, the smallest of them >= raw.
double nice_step(double raw) {
  const double power = std::pow(10.0, std::floor(std::log10(raw)));
  const double fraction = raw / power;
  return (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * power;
}

// [lo, hi] padded by 5% (a single value by 10% of itself), kept within [lower, upper] where the data are, and
// rounded out to about five ticks.
Axis linear_axis(double lo, double hi, double lower, double upper) {
  const double data_lo = lo, data_hi = hi;
  if (hi > lo) {
    const double pad = 0.05 * (hi - lo);
    lo -= pad, hi += pad;
  } else {
    const double half = hi != 0 ? 0.1 * std::fabs(hi) : 1;
    lo -= half, hi += half;
  }
  if (data_lo >= lower) lo = std::max(lo, lower);
  if (data_hi <= upper) hi = std::min(hi, upper);
  const double step = nice_step((hi - lo) / 5);
  // The 1e-9 keeps a bound that is a multiple of step in floating point error (100 / 0.2) from adding a tick.
  const long long first = static_cast<long long>(std::floor(lo / step + 1e-9));
  const long long last = static_cast<long long>(std::ceil(hi / step - 1e-9));
  Axis axis;
  axis.min = first * step;
  axis.max = last * step;
  for (long long k = first; k <= last; ++k) axis.ticks.push_back(k * step);
  return axis;
}

int decade_of(double v) { return static_cast<int>(std::floor(std::log10(v) + 1e-12)); }

// [lo, hi] (lo > 0) widened by a factor 1.2 each way and rounded out to ticks at m x 10^e, m in mantissas:
// decades only over a wide span, 1-2-5 over a few decades, 1..9 over about one.
Axis log_axis(double lo, double hi) {
  lo /= 1.2, hi *= 1.2;
  const double decades = std::log10(hi / lo);
  const std::vector<int> mantissas = decades > 4     ? std::vector<int>{1}
                                     : decades > 1.2 ? std::vector<int>{1, 2, 5}
                                                     : std::vector<int>{1, 2, 3, 4, 5, 6, 7, 8, 9};
  Axis axis;
  const int lo_decade = decade_of(lo), hi_decade = decade_of(hi);
  axis.min = std::pow(10.0, lo_decade);
  for (int m : mantissas) {
    if (m * std::pow(10.0, lo_decade) <= lo * (1 + 1e-12)) axis.min = m * std::pow(10.0, lo_decade);
  }
  axis.max = std::pow(10.0, hi_decade + 1);
  for (auto m = mantissas.rbegin(); m != mantissas.rend(); ++m) {
    if (*m * std::pow(10.0, hi_decade) >= hi * (1 - 1e-12)) axis.max = *m * std::pow(10.0, hi_decade);
  }
  for (int e = lo_decade; e <= hi_decade + 1; ++e) {
    for (int m : mantissas) {
      const double v = m * std::pow(10.0, e);
      if (v >= axis.min * (1 - 1e-9) && v <= axis.max * (1 + 1e-9)) axis.ticks.push_back(v);
    }
  }
  return axis;
}

struct Box {
  double x0, y0, x1, y1;
};

double overlap(const Box& a, const Box& b) {
  const double w = std::min(a.x1, b.x1) - std::max(a.x0, b.x0);
  const double h = std::min(a.y1, b.y1) - std::max(a.y0, b.y0);
  return w > 0 && h > 0 ? w * h : 0;
}

struct LabelPlace {
  double x, y;  // the text's anchor point on its baseline
  const char* anchor;
};

// Tries the spots around the marker at (cx, cy) in order of preference and keeps the first that overlaps
// least: labels, markers and step-line segments already in `taken`, and area outside `bounds` at four times
// the weight. A front point prefers its left and above: no point is faster and more accurate than it, and its
// step line leaves it to the right and below; any other point prefers its right. Greedy, O(points^2): plots
// have a few dozen points at most.
LabelPlace place_label(double cx, double cy, double width, bool front, const Box& bounds, std::vector<Box>& taken) {
  const double ascent = 0.8 * kLabelFont, descent = 0.25 * kLabelFont;
  const LabelPlace candidates[] = {
      {cx + 8, cy + 4, "start"}, {cx + 5, cy - 9, "start"}, {cx + 5, cy + 18, "start"}, {cx - 8, cy + 4, "end"},
      {cx - 5, cy - 9, "end"},   {cx - 5, cy + 18, "end"},  {cx, cy - 10, "middle"},    {cx, cy + 19, "middle"},
  };
  auto box_of = [&](const LabelPlace& p) {
    const double x0 = p.anchor[0] == 's' ? p.x : p.anchor[0] == 'e' ? p.x - width : p.x - width / 2;
    return Box{x0, p.y - ascent, x0 + width, p.y + descent};
  };
  constexpr size_t kFrontOrder[] = {3, 4, 6, 1, 0, 5, 7, 2}, kOtherOrder[] = {0, 1, 2, 3, 4, 5, 6, 7};
  const size_t* order = front ? kFrontOrder : kOtherOrder;
  size_t best = order[0];
  double best_cost = INFINITY;
  for (size_t k = 0; k < std::size(candidates) && best_cost > 0; ++k) {
    const size_t i = order[k];
    const Box box = box_of(candidates[i]);
    double cost = 4 * ((box.x1 - box.x0) * (box.y1 - box.y0) - overlap(box, bounds));
    for (const Box& other : taken) cost += overlap(box, other);
    if (cost < best_cost) best = i, best_cost = cost;
  }
  taken.push_back(box_of(candidates[best]));
  return candidates[best];
}

void svg_text(std::ostringstream& out, double x, double y, const std::string& text, const char* attributes) {
  out << "<text x=\"" << num(x) << "\" y=\"" << num(y) << "\" " << attributes << ">" << escape_xml(text) << "</text>\n";
}

std::string skipped_note(const std::vector<PlotPoint>& points) {
  std::vector<std::string> labels;
  for (const PlotPoint& p : points) {
    if (!plottable(p)) labels.push_back(p.label.empty() ? "(unlabelled)" : p.label);
  }
  if (labels.empty()) return "";
  std::string note = "Not plotted (accuracy or latency not finite, or latency <= 0): ";
  for (size_t i = 0; i < labels.size() && i < kMaxNotedLabels; ++i) note += (i ? ", " : "") + labels[i];
  if (labels.size() > kMaxNotedLabels) note += ", and " + std::to_string(labels.size() - kMaxNotedLabels) + " more";
  return note;
}

}  // namespace

bool plottable(const PlotPoint& point) {
  return std::isfinite(point.accuracy) && std::isfinite(point.latency_ms) && point.latency_ms > 0;
}

std::vector<size_t> pareto_front(const std::vector<PlotPoint>& points) {
  std::vector<size_t> order;
  for (size_t i = 0; i < points.size(); ++i) {
    if (std::isfinite(points[i].latency_ms) && std::isfinite(points[i].accuracy)) order.push_back(i);
  }
  // Fastest first, the most accurate first among equally fast ones, the lowest index first among equals: then
  // a point is on the front exactly when it is more accurate than every point before it.
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (points[a].latency_ms != points[b].latency_ms) return points[a].latency_ms < points[b].latency_ms;
    if (points[a].accuracy != points[b].accuracy) return points[a].accuracy > points[b].accuracy;
    return a < b;
  });
  std::vector<size_t> front;
  for (size_t i : order) {
    if (front.empty() || points[i].accuracy > points[front.back()].accuracy) front.push_back(i);
  }
  return front;
}

double PlotScale::x(double latency_ms) const {
  const double t = log_latency ? std::log10(latency_ms / latency_min) / std::log10(latency_max / latency_min)
                               : (latency_ms - latency_min) / (latency_max - latency_min);
  return left + t * (right - left);
}

double PlotScale::y(double accuracy) const {
  return bottom - (accuracy - accuracy_min) / (accuracy_max - accuracy_min) * (bottom - top);
}

PlotScale plot_scale(const std::vector<PlotPoint>& points, const PlotOptions& options) {
  PlotScale scale;
  scale.left = kMarginLeft;
  scale.right = std::max(options.width, kMinWidth) - kMarginRight;
  scale.top = kMarginTop;
  scale.bottom = std::max(options.height, kMinHeight) - kMarginBottom;
  double lat_lo = INFINITY, lat_hi = -INFINITY, acc_lo = INFINITY, acc_hi = -INFINITY;
  for (const PlotPoint& p : points) {
    if (!plottable(p)) continue;
    lat_lo = std::min(lat_lo, p.latency_ms), lat_hi = std::max(lat_hi, p.latency_ms);
    acc_lo = std::min(acc_lo, p.accuracy), acc_hi = std::max(acc_hi, p.accuracy);
  }
  if (!(lat_lo <= lat_hi)) {  // nothing plottable
    scale.latency_max = 1, scale.accuracy_max = 100;
    return scale;
  }
  scale.log_latency = options.latency_scale == LatencyScale::kLog ||
                      (options.latency_scale == LatencyScale::kAuto && lat_hi > 10 * lat_lo);
  const Axis x = scale.log_latency ? log_axis(lat_lo, lat_hi) : linear_axis(lat_lo, lat_hi, 0, INFINITY);
  const Axis y = linear_axis(acc_lo, acc_hi, 0, 100);
  scale.latency_min = x.min, scale.latency_max = x.max, scale.latency_ticks = x.ticks;
  scale.accuracy_min = y.min, scale.accuracy_max = y.max, scale.accuracy_ticks = y.ticks;
  return scale;
}

std::string accuracy_latency_svg(const std::string& title, const std::string& metric_name,
                                 const std::vector<PlotPoint>& points, const PlotOptions& options) {
  const int width = std::max(options.width, kMinWidth), height = std::max(options.height, kMinHeight);
  const PlotScale s = plot_scale(points, options);
  std::ostringstream out;
  out << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width << "\" height=\"" << height
      << "\" viewBox=\"0 0 " << width << " " << height << "\" font-family=\"sans-serif\">\n";
  out << "<title>" << escape_xml(title) << "</title>\n";
  out << "<rect x=\"0\" y=\"0\" width=\"" << width << "\" height=\"" << height << "\" fill=\"white\"/>\n";
  svg_text(out, width / 2.0, 26, title, "text-anchor=\"middle\" font-size=\"15\" font-weight=\"bold\"");
  const std::string note = skipped_note(points);
  const double note_y = s.bottom + 76;

  std::vector<size_t> shown;  // indices into points
  for (size_t i = 0; i < points.size(); ++i) {
    if (plottable(points[i])) shown.push_back(i);
  }
  if (shown.empty()) {
    svg_text(out, width / 2.0, (s.top + s.bottom) / 2, "no data", "text-anchor=\"middle\" font-size=\"14\"");
    if (!note.empty()) svg_text(out, s.left, note_y, note, "font-size=\"11\" fill=\"#555\"");
    out << "</svg>\n";
    return out.str();
  }

  // Grid lines, ticks and tick labels, then the frame over them.
  for (double t : s.latency_ticks) {
    const std::string x = num(s.x(t));
    out << "<line x1=\"" << x << "\" y1=\"" << num(s.top) << "\" x2=\"" << x << "\" y2=\"" << num(s.bottom + 4)
        << "\" stroke=\"#e3e3e3\"/>\n";
    svg_text(out, s.x(t), s.bottom + 18, tick_label(t), "text-anchor=\"middle\" font-size=\"11\"");
  }
  for (double t : s.accuracy_ticks) {
    const std::string y = num(s.y(t));
    out << "<line x1=\"" << num(s.left - 4) << "\" y1=\"" << y << "\" x2=\"" << num(s.right) << "\" y2=\"" << y
        << "\" stroke=\"#e3e3e3\"/>\n";
    svg_text(out, s.left - 7, s.y(t) + 4, tick_label(t), "text-anchor=\"end\" font-size=\"11\"");
  }
  out << "<rect x=\"" << num(s.left) << "\" y=\"" << num(s.top) << "\" width=\"" << num(s.right - s.left)
      << "\" height=\"" << num(s.bottom - s.top) << "\" fill=\"none\" stroke=\"#333\"/>\n";
  svg_text(out, (s.left + s.right) / 2, s.bottom + 36, s.log_latency ? "latency (ms, log scale)" : "latency (ms)",
           "text-anchor=\"middle\" font-size=\"12\"");
  out << "<text transform=\"translate(16 " << num((s.top + s.bottom) / 2) << ") rotate(-90)\" "
      << "text-anchor=\"middle\" font-size=\"12\">" << escape_xml(metric_name + " (%)") << "</text>\n";

  // The front of the plotted points, as indices into points.
  std::vector<PlotPoint> shown_points;
  for (size_t i : shown) shown_points.push_back(points[i]);
  std::vector<size_t> front;
  for (size_t k : pareto_front(shown_points)) front.push_back(shown[k]);
  std::vector<bool> on_front(points.size(), false);
  for (size_t i : front) on_front[i] = true;

  // The step line; its segments, all horizontal or vertical, join the boxes labels keep clear of.
  std::vector<Box> taken;
  if (front.size() > 1) {
    out << "<polyline class=\"front\" points=\"";
    for (size_t k = 0; k < front.size(); ++k) {
      const double x = s.x(points[front[k]].latency_ms), y = s.y(points[front[k]].accuracy);
      if (k > 0) {
        const double x0 = s.x(points[front[k - 1]].latency_ms), y0 = s.y(points[front[k - 1]].accuracy);
        out << num(x) << "," << num(y0) << " ";
        taken.push_back(Box{x0, y0 - 1, x, y0 + 1});
        taken.push_back(Box{x - 1, y, x + 1, y0});
      }
      out << num(x) << "," << num(y) << (k + 1 < front.size() ? " " : "");
    }
    out << "\" fill=\"none\" stroke=\"" << kFrontColor << "\" stroke-width=\"2\" stroke-linejoin=\"round\"/>\n";
  }

  // Dominated markers first, the front's over them; labels placed front first, so they get the best spots.
  std::vector<size_t> draw_order;
  for (size_t i : shown) {
    if (!on_front[i]) draw_order.push_back(i);
  }
  draw_order.insert(draw_order.end(), front.begin(), front.end());
  for (size_t i : draw_order) {
    const PlotPoint& p = points[i];
    const double cx = s.x(p.latency_ms), cy = s.y(p.accuracy), r = on_front[i] ? kFrontRadius : kDominatedRadius;
    taken.push_back(Box{cx - r, cy - r, cx + r, cy + r});
    char tooltip[96];
    std::snprintf(tooltip, sizeof(tooltip), ": %.4g ms, %.2f%%", p.latency_ms, p.accuracy);
    out << "<circle class=\"" << (on_front[i] ? "point front" : "point") << "\" cx=\"" << num(cx) << "\" cy=\""
        << num(cy) << "\" r=\"" << r << "\" fill=\"" << (on_front[i] ? kFrontColor : kDominatedColor)
        << "\" stroke=\"white\" stroke-width=\"1\"><title>" << escape_xml(p.label + tooltip) << "</title></circle>\n";
  }
  const Box bounds{s.left, s.top, s.right, s.bottom};
  std::vector<size_t> label_order(front.begin(), front.end());
  for (size_t i : shown) {
    if (!on_front[i]) label_order.push_back(i);
  }
  for (size_t i : label_order) {
    const PlotPoint& p = points[i];
    const double text_width = kCharWidth * kLabelFont * text_length(p.label) * (on_front[i] ? 1.1 : 1.0);
    const LabelPlace place = place_label(s.x(p.latency_ms), s.y(p.accuracy), text_width, on_front[i], bounds, taken);
    const std::string attributes = std::string("text-anchor=\"") + place.anchor + "\" font-size=\"11\"" +
                                   (on_front[i] ? " font-weight=\"bold\" fill=\"#222\"" : " fill=\"#555\"");
    svg_text(out, place.x, place.y, p.label, attributes.c_str());
  }

  // Legend: the front's swatch (a step and a marker) and a dominated marker.
  const double legend_y = s.bottom + 56;
  out << "<polyline points=\"" << num(s.left) << "," << num(legend_y) << " " << num(s.left + 12) << "," << num(legend_y)
      << " " << num(s.left + 12) << "," << num(legend_y - 8) << " " << num(s.left + 24) << "," << num(legend_y - 8)
      << "\" fill=\"none\" stroke=\"" << kFrontColor << "\" stroke-width=\"2\"/>\n";
  out << "<circle cx=\"" << num(s.left + 12) << "\" cy=\"" << num(legend_y - 8) << "\" r=\"" << kFrontRadius
      << "\" fill=\"" << kFrontColor << "\"/>\n";
  svg_text(out, s.left + 32, legend_y, "Pareto front: lower latency, higher accuracy", "font-size=\"12\"");
  const double dominated_x = s.left + 32 + 12 * kCharWidth * 46;
  out << "<circle cx=\"" << num(dominated_x) << "\" cy=\"" << num(legend_y - 4) << "\" r=\"" << kDominatedRadius
      << "\" fill=\"" << kDominatedColor << "\"/>\n";
  svg_text(out, dominated_x + 8, legend_y, "dominated", "font-size=\"12\"");
  if (!note.empty()) svg_text(out, s.left, note_y, note, "font-size=\"11\" fill=\"#555\"");
  out << "</svg>\n";
  return out.str();
}

Status write_svg(const std::string& path, const std::string& svg) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file << svg;
  file.close();
  if (!file) return io_error("cannot write the plot " + path);
  return Status::Ok();
}

}  // namespace edgerun::study
