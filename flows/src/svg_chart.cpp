#include <flows/flow_report.h>
#include <flows/svg_chart.h>

#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <cmath>

namespace hcl::flows {

namespace {

constexpr int kWidth = 720;
constexpr double kCharWidth = 6.4; // of 11 px sans-serif, enough to keep labels apart

std::string esc(const std::string &s) { return html_escape(s); }

double text_width(const std::string &s) { return kCharWidth * static_cast<double>(s.size()); }

std::string svg_open(int height, const std::string &title) {
  return fmt::format(
      "<svg class=\"chart\" role=\"img\" "
      "viewBox=\"0 0 {0} {1}\" width=\"{0}\" height=\"{1}\" font-family=\"sans-serif\" "
      "font-size=\"11\"><title>{2}</title>\n",
      kWidth, height, esc(title));
}

// A step of 1, 2 or 5 times a power of ten that splits [0, top] into at most 5 ticks.
double tick_step(double top) {
  const double raw = top / 5;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  const double norm = raw / mag;
  return (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10) * mag;
}

double clean(double v) { return std::isfinite(v) && v > 0 ? v : 0; }

// Legend items flow left to right and wrap at `width`; rows() and draw() share one layout.
struct Legend {
  static constexpr double kRowHeight = 18;
  std::vector<std::pair<std::string, std::string>> items; // label, swatch markup at (0,0)
  // Each item's offset from the legend's corner.
  std::vector<std::pair<double, double>> layout(double width) const {
    std::vector<std::pair<double, double>> at;
    double x = 0, y = 0;
    for (const auto &it : items) {
      const double w = 22 + text_width(it.first) + 14;
      if (x > 0 && x + w > width) {
        x = 0;
        y += kRowHeight;
      }
      at.push_back({x, y});
      x += w;
    }
    return at;
  }
  int rows(double width) const {
    const auto at = layout(width);
    return at.empty() ? 0 : static_cast<int>(at.back().second / kRowHeight) + 1;
  }
  std::string draw(double x0, double y0, double width) const {
    std::string s;
    const auto at = layout(width);
    for (std::size_t i = 0; i < items.size(); ++i) {
      s += fmt::format(
          "<g transform=\"translate({:.1f},{:.1f})\">{}<text x=\"18\" y=\"9\">{}</text></g>\n",
          x0 + at[i].first, y0 + at[i].second, items[i].second, esc(items[i].first));
    }
    return s;
  }
};

const std::array<const char *, 3> kDash = {"", " stroke-dasharray=\"5 3\"",
                                           " stroke-dasharray=\"2 2\""};

std::string swatch(std::size_t part) {
  return fmt::format("<rect width=\"12\" height=\"10\" fill=\"{}\"/>", chart_colour(part));
}

std::string mark_swatch(std::size_t m) {
  return fmt::format(
      "<line x1=\"6\" y1=\"-1\" x2=\"6\" y2=\"11\" stroke=\"#000\" stroke-width=\"2\"{}/>",
      kDash[m % kDash.size()]);
}

double bar_total(const std::vector<double> &row) {
  double t = 0;
  for (const double v : row) {
    t += clean(v);
  }
  return t;
}

} // namespace

const char *chart_colour(std::size_t i) {
  static const std::array<const char *, 8> palette = {"#0072B2", "#E69F00", "#009E73", "#CC79A7",
                                                      "#56B4E9", "#D55E00", "#F0E442", "#666666"};
  return palette[i % palette.size()];
}

std::string si_number(double v) {
  if (!std::isfinite(v)) {
    return "-";
  }
  static const std::array<const char *, 7> suffix = {"", " k", " M", " G", " T", " P", " E"};
  std::size_t k = 0;
  double a = std::fabs(v);
  while (a >= 999.5 && k + 1 < suffix.size()) {
    a /= 1000;
    v /= 1000;
    ++k;
  }
  return fmt::format("{:.3g}{}", v, suffix[k]);
}

std::string svg_bar_chart(const BarChart &c) {
  if (c.bars.empty()) {
    return svg_open(20, c.title) + "<text x=\"0\" y=\"14\">no data</text></svg>\n";
  }
  double label_w = 0;
  for (const auto &b : c.bars) {
    label_w = std::max(label_w, text_width(b));
  }
  label_w = std::min(label_w + 8, 300.0);
  const auto fit =
      [&](const std::string &label) { // a long name keeps its start; <title> has it all
        const auto room = static_cast<std::size_t>((label_w - 8) / kCharWidth);
        return label.size() <= room ? label : label.substr(0, room - 1) + "\u2026";
      };
  const double x0 = label_w + 6, plot_w = kWidth - x0 - 64;
  const double bar_h = 16, pitch = 22, top = 6;

  double top_value = 0;
  for (std::size_t b = 0; b < c.bars.size(); ++b) {
    top_value = std::max(top_value, b < c.values.size() ? bar_total(c.values[b]) : 0.0);
    for (const auto &m : c.marks) {
      if (b < m.at.size()) {
        top_value = std::max(top_value, clean(m.at[b]));
      }
    }
  }
  if (top_value <= 0) {
    top_value = 1;
  }
  const double step = tick_step(top_value);
  const double axis_max = std::ceil(top_value / step) * step;
  const auto xpos = [&](double v) { return x0 + plot_w * clean(v) / axis_max; };

  Legend legend;
  if (c.parts.size() > 1) {
    for (std::size_t p = 0; p < c.parts.size(); ++p) {
      legend.items.push_back({c.parts[p], swatch(p)});
    }
  }
  for (std::size_t m = 0; m < c.marks.size(); ++m) {
    legend.items.push_back({c.marks[m].label, mark_swatch(m)});
  }
  const double axis_y = top + pitch * static_cast<double>(c.bars.size());
  const double legend_y = axis_y + 26;
  const int height = static_cast<int>(legend_y + Legend::kRowHeight * legend.rows(kWidth - 8) + 4);

  std::string s = svg_open(height, c.title);
  for (int t = 0; t * step <= axis_max * (1 + 1e-9); ++t) {
    const double x = xpos(t * step);
    s += fmt::format(
        "<line x1=\"{0:.1f}\" y1=\"{1}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\" stroke=\"#ddd\"/>"
        "<text x=\"{0:.1f}\" y=\"{3:.1f}\" text-anchor=\"middle\">{4}</text>\n",
        x, top - 2, axis_y, axis_y + 12, esc(si_number(t * step)));
  }
  s += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>\n", kWidth - 4.0,
                   axis_y + 12, esc(c.unit));
  for (std::size_t b = 0; b < c.bars.size(); ++b) {
    const double y = top + pitch * static_cast<double>(b);
    s += fmt::format(
        "<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"end\"{}><title>{}</title>{}</text>\n",
        label_w, y + 12, static_cast<int>(b) == c.highlight ? " font-weight=\"bold\"" : "",
        esc(c.bars[b]), esc(fit(c.bars[b])));
    double acc = 0;
    const std::vector<double> row = b < c.values.size() ? c.values[b] : std::vector<double>{};
    for (std::size_t p = 0; p < row.size() && p < std::max<std::size_t>(c.parts.size(), 1); ++p) {
      const double v = clean(row[p]);
      if (v <= 0) {
        continue;
      }
      const std::string part = c.parts.size() > 1 ? " " + c.parts[p] : "";
      s += fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.2f}\" height=\"{}\" fill=\"{}\">"
                       "<title>{}{}: {} {}</title></rect>\n",
                       xpos(acc), y, std::max(0.5, xpos(acc + v) - xpos(acc)), bar_h,
                       chart_colour(p), esc(c.bars[b]), esc(part), esc(si_number(v)), esc(c.unit));
      acc += v;
    }
    s += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\">{}</text>\n", xpos(acc) + 4, y + 12,
                     esc(si_number(acc)));
    for (std::size_t m = 0; m < c.marks.size(); ++m) {
      if (b >= c.marks[m].at.size() || !std::isfinite(c.marks[m].at[b])) {
        continue;
      }
      const double x = xpos(c.marks[m].at[b]);
      s += fmt::format(
          "<line x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\" stroke=\"#000\" "
          "stroke-width=\"2\"{3}><title>{4}: {5} {6}</title></line>\n",
          x, y - 3, y + bar_h + 3, kDash[m % kDash.size()], esc(c.marks[m].label),
          esc(si_number(c.marks[m].at[b])), esc(c.unit));
    }
  }
  s += legend.draw(4, legend_y, kWidth - 8);
  return s + "</svg>\n";
}

namespace {

std::size_t tensor_index(const HierarchyDiagram &d, const std::string &t) {
  const auto it = std::find(d.tensors.begin(), d.tensors.end(), t);
  return static_cast<std::size_t>(it - d.tensors.begin());
}

std::string chips(const HierarchyDiagram &d, const std::vector<std::string> &tensors, double x,
                  double y) {
  std::string s;
  for (const auto &t : tensors) {
    s += fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"10\" height=\"10\" fill=\"{}\"/>"
                     "<text x=\"{:.1f}\" y=\"{:.1f}\">{}</text>\n",
                     x, y, chart_colour(tensor_index(d, t)), x + 13, y + 9, esc(t));
    x += 20 + text_width(t);
  }
  return s;
}

std::string down_arrow(double x, double y0, double y1) {
  return fmt::format(
      "<line x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\" stroke=\"#444\"/>"
      "<polygon points=\"{3:.1f},{2:.1f} {4:.1f},{2:.1f} {0:.1f},{5:.1f}\" fill=\"#444\"/>\n",
      x, y0, y1 - 5, x - 4, x + 4, y1);
}

std::string level_box(const HierarchyDiagram &d, const DiagramLevel &l, double y) {
  return fmt::format(
             "<rect x=\"100\" y=\"{0:.1f}\" width=\"520\" height=\"40\" rx=\"4\" fill=\"#f4f4f4\" "
             "stroke=\"#888\"/><text x=\"110\" y=\"{1:.1f}\" font-weight=\"bold\">{2}</text>"
             "<text x=\"110\" y=\"{3:.1f}\">{4}</text>\n",
             y, y + 16, esc(l.name), y + 32, esc(l.detail)) +
         chips(d, l.tensors, 420, y + 8);
}

} // namespace

std::string svg_hierarchy(const HierarchyDiagram &d) {
  const int rows = std::max(1, d.rows), cols = std::max(1, d.cols);
  const int dr = std::min(rows, 8), dc = std::min(cols, 8);
  const double cell = 30, gap = 6;
  const double grid_w = dc * cell + (dc - 1) * gap, grid_h = dr * cell + (dr - 1) * gap;
  const double level_pitch = 58;
  const double grid_top = 8 + level_pitch * static_cast<double>(d.levels.size()) + 22;
  const double moves_top = grid_top + grid_h + 44;
  const int height = static_cast<int>(
      moves_top + 18 * static_cast<double>(d.moves.size() + d.pe_levels.size()) + 8);

  std::string s = svg_open(height, d.title);
  for (std::size_t i = 0; i < d.levels.size(); ++i) {
    const double y = 8 + level_pitch * static_cast<double>(i);
    s += level_box(d, d.levels[i], y);
    s += down_arrow(kWidth / 2.0, y + 40, y + level_pitch - (i + 1 == d.levels.size() ? -4 : 0));
  }
  const double gx = (kWidth - grid_w) / 2;
  s += fmt::format(
      "<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\" font-weight=\"bold\">PE array: "
      "{} x {} PEs</text>\n",
      kWidth / 2.0, grid_top - 6, rows, cols);
  std::vector<std::string> per_pe;
  for (const auto &l : d.pe_levels) {
    per_pe.insert(per_pe.end(), l.tensors.begin(), l.tensors.end());
  }
  for (int r = 0; r < dr; ++r) {
    for (int c = 0; c < dc; ++c) {
      const double x = gx + c * (cell + gap), y = grid_top + r * (cell + gap);
      s += fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{}\" height=\"{}\" fill=\"#fff\" "
                       "stroke=\"#444\">"
                       "<title>PE ({}, {})</title></rect>\n",
                       x, y, cell, cell, r, c);
      for (std::size_t k = 0; k < per_pe.size(); ++k) {
        const std::size_t row = k / 2, col = k % 2; // two swatches per row
        s += fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"8\" height=\"8\" fill=\"{}\"/>\n",
                         x + 4 + 10 * static_cast<double>(col),
                         y + 4 + 10 * static_cast<double>(row),
                         chart_colour(tensor_index(d, per_pe[k])));
      }
    }
  }
  if (cols > dc) {
    s += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\">&#8230; {} columns</text>\n", gx + grid_w + 6,
                     grid_top + 14, cols);
  }
  if (rows > dr) {
    s += fmt::format(
        "<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">&#8942; {} rows</text>\n",
        kWidth / 2.0, grid_top + grid_h + 14, rows);
  }
  s += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"end\">rows: {} &#8595;</text>\n",
                   gx - 8, grid_top + 14, esc(d.row_label));
  s += fmt::format(
      "<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">columns: {} &#8594;</text>\n",
      kWidth / 2.0, grid_top + grid_h + 30, esc(d.col_label));
  double y = moves_top;
  for (const auto &l : d.pe_levels) {
    s += fmt::format("<text x=\"8\" y=\"{:.1f}\">in each PE: <tspan "
                     "font-weight=\"bold\">{}</tspan> ({})</text>\n",
                     y + 9, esc(l.name), esc(l.detail));
    y += 18;
  }
  for (const auto &m : d.moves) {
    s += chips(d, {m.tensor}, 8, y);
    s += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\">{}</text>\n", 30 + text_width(m.tensor),
                     y + 9, esc(m.how));
    y += 18;
  }
  return s + "</svg>\n";
}

} // namespace hcl::flows
