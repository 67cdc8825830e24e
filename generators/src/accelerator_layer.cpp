// Per-layer configuration of the generated accelerator: tiling, buffer layouts and the
// controller register values that make the affine address generators walk those layouts.
#include <generators/accelerator.h>
#include <generators/file_name.h>
#include <generators/params.h>
#include <generators/require.h>

#include <fmt/core.h>

#include <algorithm>
#include <sstream>

namespace hcl::gen {

LayerShape parse_layer(const std::string &text) {
  LayerShape s;
  bool seen[3] = {false, false, false};
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) {
    const auto eq = item.find('=');
    require(eq != std::string::npos && eq > 0, "--layer",
            fmt::format("expected C=..,K=..,X=..[,name=..], got '{}'", text));
    const std::string key = item.substr(0, eq), value = item.substr(eq + 1);
    if (key == "name") {
      require_file_name(value, "--layer name");
      s.name = value;
      continue;
    }
    const char *keys[3] = {"C", "K", "X"};
    int *fields[3] = {&s.C, &s.K, &s.X};
    const auto it = std::find(std::begin(keys), std::end(keys), key);
    require(it != std::end(keys), "--layer",
            fmt::format("unknown field '{}' in '{}'; valid: C, K, X, name", key, text));
    const auto i = static_cast<std::size_t>(it - std::begin(keys));
    *fields[i] = static_cast<int>(parse_int(key, value, 1, 1 << 24));
    seen[i] = true;
  }
  require(seen[0] && seen[1] && seen[2], "--layer",
          fmt::format("needs all of C, K and X (got '{}')", text));
  return s;
}

std::string LayerConfig::file_stem() const {
  return shape.name.empty() ? fmt::format("c{}_k{}_x{}", shape.C, shape.K, shape.X) : shape.name;
}

Slot LayerConfig::input(int c, int x) const { return {c % rows, (c / rows) * shape.X + x}; }
Slot LayerConfig::weight(int k, int c) const {
  return {k % cols, ((k / cols) * c_tiles + c / rows) * rows + c % rows};
}
Slot LayerConfig::output(int k, int x) const { return {k % cols, (k / cols) * shape.X + x}; }

LayerConfig configure_layer(const AcceleratorConfig &cfg, const LayerShape &shape) {
  const AcceleratorPlan p = plan_accelerator(cfg);
  for (auto [key, v] : {std::pair{"C", shape.C}, std::pair{"K", shape.K}, std::pair{"X", shape.X}})
    require(v >= 1, key, fmt::format("must be >= 1 (got {})", v));
  LayerConfig l;
  l.shape = shape;
  l.rows = cfg.rows;
  l.cols = cfg.cols;
  l.c_tiles = (shape.C + cfg.rows - 1) / cfg.rows;
  l.k_tiles = (shape.K + cfg.cols - 1) / cfg.cols;
  const auto words = [](int a, int b) { return static_cast<long long>(a) * b; };
  const long long in = words(l.c_tiles, shape.X);
  const long long wt = words(l.k_tiles, l.c_tiles * cfg.rows);
  const long long out = words(l.k_tiles, shape.X);
  require(in <= cfg.in_depth, shape.X > cfg.in_depth ? "X" : "C",
          fmt::format("the layer needs ceil(C/{}) * {} = {} input words per bank; in_depth is {}",
                      cfg.rows, shape.X, in, cfg.in_depth));
  require(wt <= cfg.wt_depth, l.c_tiles * cfg.rows > cfg.wt_depth ? "C" : "K",
          fmt::format("the layer needs ceil(K/{}) * ceil(C/{}) * {} = {} weight words per bank; "
                      "wt_depth is {}",
                      cfg.cols, cfg.rows, cfg.rows, wt, cfg.wt_depth));
  require(out <= cfg.out_depth, shape.X > cfg.out_depth ? "X" : "K",
          fmt::format("the layer needs ceil(K/{}) * {} = {} output words per bank; out_depth "
                      "is {}",
                      cfg.cols, shape.X, out, cfg.out_depth));
  l.in_words = static_cast<int>(in);
  l.wt_words = static_cast<int>(wt);
  l.out_words = static_cast<int>(out);

  const std::int64_t R = cfg.rows, X = shape.X, Ct = l.c_tiles, Kt = l.k_tiles;
  const std::uint64_t mask =
      p.stream.addr_width >= 64 ? ~0ULL : (std::uint64_t{1} << p.stream.addr_width) - 1;
  const auto set = [&](const std::string &name, std::int64_t v) {
    l.writes.push_back({p.reg(name), static_cast<std::uint64_t>(v) & mask});
    l.write_names.push_back(name);
  };
  // Stream: step 0 swaps, step s >= 1 streams column x = s - 1; addresses wrap at the
  // controller's width, so base -1 makes step 1 address column 0.
  set("bound_step", X + 1);
  set("bound_c_tile", Ct);
  set("bound_k_tile", Kt);
  const std::int64_t stream[kStreamGens][4] = {
      // step, c_tile, k_tile strides, base
      {1, X, 0, -1}, // input: I[ct*R + r][x] at ct*X + x
      {1, 0, X, -1}, // output: O[kt*cols + k][x] at kt*X + x
      {0, 1, 0, 0}}; // accumulate: the reduction tile, non-zero after the first
  for (int g = 0; g < kStreamGens; ++g) {
    for (int lv = 0; lv < 3; ++lv)
      set(fmt::format("stride_{}_{}", kStreamGenNames[g], kStreamLevelNames[lv]), stream[g][lv]);
    set(fmt::format("base_{}", kStreamGenNames[g]), stream[g][3]);
  }
  // Load: row step j feeds the bottom of the column chains first, i.e. row R-1-j of tile
  // (kt, ct), stored at (kt*Ct + ct)*R + R-1-j.
  set("load_bound_row", R);
  set("load_bound_c_tile", Ct);
  set("load_bound_k_tile", Kt);
  set("load_stride_weight_row", -1);
  set("load_stride_weight_c_tile", R);
  set("load_stride_weight_k_tile", Ct * R);
  set("load_base_weight", R - 1);

  // Timing (accelerator.h): the controllers start on the edge after the one sampling start;
  // the first tile's loads take R cycles, then each swap-to-swap period is the longer of the
  // stream (X + 1) and the next tile's cool-down + loads (swap_to_load + R + 1); the last
  // stream step ends X cycles after the last swap, then `latency` edges to done.
  const auto tiles = static_cast<std::uint64_t>(Ct * Kt);
  const auto period = static_cast<std::uint64_t>(std::max(X + 1, p.swap_to_load + R + 1));
  l.cycles = static_cast<std::uint64_t>(R + 2 + X) + (tiles - 1) * period +
             static_cast<std::uint64_t>(p.latency);
  return l;
}

nlohmann::json LayerConfig::to_json() const {
  nlohmann::json writes = nlohmann::json::array();
  for (std::size_t i = 0; i < this->writes.size(); ++i)
    writes.push_back({{"name", write_names[i]},
                      {"addr", this->writes[i].first},
                      {"value", this->writes[i].second}});
  return {
      {"layer", {{"name", file_stem()}, {"C", shape.C}, {"K", shape.K}, {"X", shape.X}}},
      {"computes", "O[k][x] = sum_c W[k][c] * I[c][x]"},
      {"tiling", {{"c_tiles", c_tiles}, {"k_tiles", k_tiles}, {"rows", rows}, {"cols", cols}}},
      {"registers", writes},
      {"layout",
       {{"input",
         {{"bank", "c % rows"}, {"addr", "(c / rows) * X + x"}, {"words_per_bank", in_words}}},
        {"weight",
         {{"bank", "k % cols"},
          {"addr", "((k / cols) * c_tiles + c / rows) * rows + c % rows"},
          {"words_per_bank", wt_words},
          {"pad", "weights of rows c >= C must be written as 0"}}},
        {"output",
         {{"bank", "k % cols"}, {"addr", "(k / cols) * X + x"}, {"words_per_bank", out_words}}}}},
      {"cycles", cycles}};
}

} // namespace hcl::gen
