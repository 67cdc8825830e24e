// Per-layer configuration of the generated accelerator: tiling, buffer layouts and the
// controller register values that make the affine address generators walk those layouts.
#include <generators/accelerator.h>
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
      require(!value.empty() && value.find_first_of("/\\") == std::string::npos && value != "." &&
                  value != "..",
              "--layer", fmt::format("name must be a plain file name (got '{}')", value));
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

Slot LayerConfig::input(int c, int x) const { return {c % rows, (c / rows) * x_padded + x}; }
Slot LayerConfig::weight(int k, int c) const {
  return {k % cols, ((k / cols) * c_tiles + c / rows) * rows + c % rows};
}
Slot LayerConfig::output(int k, int x) const { return {k % cols, (k / cols) * x_padded + x}; }

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
  // The next tile's weight loads start x_padded + 1 cycles after this tile's swap; they must
  // not reach a PE before the (skewed) swap did.
  l.x_padded = std::max(shape.X, p.min_stream);
  const auto words = [](int a, int b) { return static_cast<long long>(a) * b; };
  const long long in = words(l.c_tiles, l.x_padded);
  const long long wt = words(l.k_tiles, l.c_tiles * cfg.rows);
  const long long out = words(l.k_tiles, l.x_padded);
  require(in <= cfg.in_depth, l.x_padded > cfg.in_depth ? "X" : "C",
          fmt::format("the layer needs ceil(C/{}) * {} = {} input words per bank; in_depth is {}",
                      cfg.rows, l.x_padded, in, cfg.in_depth));
  require(wt <= cfg.wt_depth, l.c_tiles * cfg.rows > cfg.wt_depth ? "C" : "K",
          fmt::format("the layer needs ceil(K/{}) * ceil(C/{}) * {} = {} weight words per bank; "
                      "wt_depth is {}",
                      cfg.cols, cfg.rows, cfg.rows, wt, cfg.wt_depth));
  require(out <= cfg.out_depth, l.x_padded > cfg.out_depth ? "X" : "K",
          fmt::format("the layer needs ceil(K/{}) * {} = {} output words per bank; out_depth "
                      "is {}",
                      cfg.cols, l.x_padded, out, cfg.out_depth));
  l.in_words = static_cast<int>(in);
  l.wt_words = static_cast<int>(wt);
  l.out_words = static_cast<int>(out);

  const int R = cfg.rows, Xp = l.x_padded, Ct = l.c_tiles;
  const std::int64_t steps = R + 1 + Xp; // loads, swap, stream
  const std::int64_t bound[3] = {steps, Ct, l.k_tiles};
  // stride[g][level] and base[g]; addresses wrap at addr_width, so a negative base lets the
  // stream addresses start at 0 on step rows + 1.
  const std::int64_t stride[kAccelGens][3] = {
      {1, Xp, 0},                    // input: I[ct*R + r][x] at ct*Xp + x, x = step - (R+1)
      {-1, R, std::int64_t{Ct} * R}, // weight: bottom row first: row R-1-step of tile (kt, ct)
      {1, 0, Xp},                    // output: O[kt*cols + k][x] at kt*Xp + x
      {1, 0, 0},                     // phase: the step itself
      {0, 1, 0}};                    // accumulate: the reduction tile, non-zero after the first
  const std::int64_t base[kAccelGens] = {-(R + 1), R - 1, -(R + 1), 0, 0};
  const int aw = p.ctrl.addr_width;
  const auto add = [&](int reg, std::int64_t v, std::string name) {
    l.writes.push_back(
        {reg, static_cast<std::uint64_t>(v) & ((aw >= 64 ? ~0ULL : (1ULL << aw) - 1))});
    l.write_names.push_back(std::move(name));
  };
  for (int lv = 0; lv < 3; ++lv)
    add(p.bound_reg(lv), bound[lv], fmt::format("bound_{}", kAccelLevelNames[lv]));
  for (int g = 0; g < kAccelGens; ++g) {
    for (int lv = 0; lv < 3; ++lv)
      add(p.stride_reg(g, lv), stride[g][lv],
          fmt::format("stride_{}_{}", kAccelGenNames[g], kAccelLevelNames[lv]));
    add(p.base_reg(g), base[g], fmt::format("base_{}", kAccelGenNames[g]));
  }
  // The edge sampling start, one per controller step, then the pipeline to the last write and
  // the edge that raises done.
  l.cycles = 1 + static_cast<std::uint64_t>(steps * Ct * l.k_tiles) +
             static_cast<std::uint64_t>(p.latency);
  return l;
}

nlohmann::json LayerConfig::to_json() const {
  nlohmann::json writes = nlohmann::json::array();
  for (std::size_t i = 0; i < this->writes.size(); ++i)
    writes.push_back({{"name", write_names[i]},
                      {"addr", this->writes[i].first},
                      {"value", this->writes[i].second}});
  return {{"layer", {{"name", file_stem()}, {"C", shape.C}, {"K", shape.K}, {"X", shape.X}}},
          {"computes", "O[k][x] = sum_c W[k][c] * I[c][x]"},
          {"tiling",
           {{"c_tiles", c_tiles},
            {"k_tiles", k_tiles},
            {"x_padded", x_padded},
            {"rows", rows},
            {"cols", cols}}},
          {"registers", writes},
          {"layout",
           {{"input",
             {{"bank", "c % rows"},
              {"addr", "(c / rows) * x_padded + x"},
              {"words_per_bank", in_words}}},
            {"weight",
             {{"bank", "k % cols"},
              {"addr", "((k / cols) * c_tiles + c / rows) * rows + c % rows"},
              {"words_per_bank", wt_words},
              {"pad", "weights of rows c >= C must be written as 0"}}},
            {"output",
             {{"bank", "k % cols"},
              {"addr", "(k / cols) * x_padded + x"},
              {"words_per_bank", out_words}}}}},
          {"cycles", cycles}};
}

} // namespace hcl::gen
