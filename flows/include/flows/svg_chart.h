// The figures of the flow report as inline SVG. No script, font or stylesheet from outside the
// page: report.html opens offline, and prints as it is drawn. Every figure carries a <title>
// (its accessible name) and each bar segment its own <title>, the value a reader hovers over.
// Text given here is escaped; callers pass plain strings.
#pragma once

#include <string>
#include <vector>

namespace hcl::flows {

// A vertical marker drawn across some bars: a bound the bar is measured against.
struct ChartMark {
  std::string label;      // legend text, e.g. "compute bound"
  std::vector<double> at; // one per bar; NaN: no marker on that bar
};

// Horizontal bars, one per entry of `bars`, each stacked from the `parts` left to right.
struct BarChart {
  std::string title;                       // the figure's accessible name
  std::string unit;                        // of every value, shown on the axis
  std::vector<std::string> bars;           // top to bottom
  std::vector<std::string> parts;          // stack segments; one part draws plain bars
  std::vector<std::vector<double>> values; // [bar][part], each >= 0 (negatives draw as 0)
  std::vector<ChartMark> marks;            // at most 3 (three line styles)
  int highlight = -1;                      // a bar drawn with a bold label (a chosen candidate)
};

// The chart as one <svg class="chart">; an empty chart (no bars) draws a one-line note.
std::string svg_bar_chart(const BarChart &chart);

// The generated accelerator: its memory levels above the array, then the PE array (drawn up to
// 8 x 8, the real shape in the label), then how each tensor moves.
struct DiagramLevel {
  std::string name;
  std::string detail;               // e.g. "49,152 words, 16 banks, double-buffered"
  std::vector<std::string> tensors; // the tensors it holds
};
struct TensorMove {
  std::string tensor;
  std::string how; // e.g. "stationary in each PE's WeightReg"
};
struct HierarchyDiagram {
  std::string title;
  std::vector<DiagramLevel> levels;    // shared levels, outermost first
  std::vector<DiagramLevel> pe_levels; // one instance per PE
  int rows = 1, cols = 1;
  std::string row_label, col_label; // the loops unrolled on rows and on columns
  std::vector<std::string> tensors; // every tensor, in the order of the palette
  std::vector<TensorMove> moves;
};

std::string svg_hierarchy(const HierarchyDiagram &diagram);

// The colour of the i-th series (Okabe and Ito's palette, distinct to colour-blind readers).
const char *chart_colour(std::size_t i);

// 1234567 -> "1.23 M"; values below 1000 keep 3 significant digits.
std::string si_number(double value);

} // namespace hcl::flows
