// From a mapping to the schedule-driven accelerator's registers: the roles of the arch levels,
// what is refused (and how it is named), and register values worked out by hand.
#include <flows/nest_lower.h>

#include <scheduler/io/spec_yaml.h>
#include <scheduler/validate.h>

#include "nest_mapping.h"

#include <catch2/catch.hpp>

using namespace hcl::flows;
namespace sched = hcl::sched;

namespace {

sched::Arch tpu4() {
  return sched::load_arch_yaml(HCL_SOURCE_DIR "/tests/flows/data/flow_tpu_4x4.arch.yaml");
}

sched::Problem layer() {
  sched::ConvShape s;
  s.name = "l";
  s.C = 4;
  s.K = 8;
  s.P = s.Q = 4;
  s.R = s.S = 3;
  return sched::make_conv2d(s);
}

sched::Mapping mapping(const sched::Problem &p) { return hcl::test::p_then_k(p); }

std::uint64_t reg(const NestLayerConfig &c, const std::string &name) {
  for (std::size_t i = 0; i < c.write_names.size(); ++i)
    if (c.write_names[i] == name)
      return c.writes[i].second;
  FAIL("no register " << name);
  return 0;
}

} // namespace

TEST_CASE("nest_lower: the arch's levels by role, an arch without a PE array is refused") {
  const NestRoles r = nest_roles(tpu4());
  CHECK(r.weights == 0);
  CHECK(r.mesh == 1);
  CHECK(r.dram == 3);
  sched::Arch flat = tpu4();
  flat.levels[1].fanout_x = flat.levels[1].fanout_y = 1;
  CHECK_THROWS_WITH(nest_roles(flat),
                    Catch::Contains("no mesh; the nest accelerator needs a PE array"));
  // Per-PE stores the template does not build: refused, naming the level.
  const sched::Arch eyeriss =
      sched::load_arch_yaml(HCL_SOURCE_DIR "/examples/arch/eyeriss_like.yaml");
  CHECK_THROWS_WITH(nest_roles(eyeriss), Catch::Contains("is a per-PE store (Inputs or Outputs") &&
                                             Catch::Contains("not supported yet"));
  sched::Arch wide = tpu4();
  wide.levels[0].size_words = 9; // a weight scratchpad, not a register
  CHECK_THROWS_WITH(nest_roles(wide), Catch::Contains("WeightReg is a per-PE store (9 words)"));
  wide.levels[0].size_words = 2; // two words are a double-buffered register only
  CHECK_THROWS(nest_roles(wide));
  wide.levels[0].double_buffered = true;
  CHECK_NOTHROW(nest_roles(wide));
}

TEST_CASE("nest_lower: the nest, lanes and tiles of a mapping") {
  const auto p = layer();
  const NestLayer l = analyse_nest_layer(p, tpu4(), mapping(p));
  CHECK(l.c_lanes == 4);
  CHECK(l.k_lanes == 4);
  REQUIRE(l.loops.size() == 5); // Q, S, R, P, K
  CHECK(l.loops[0].dim == "Q");
  CHECK(l.loops[4].dim == "K");
  CHECK(l.loops[4].weight == 4); // the K lanes are inside the DRAM K loop
  CHECK(l.in_level == 2);
  CHECK(l.out_level == 1);
  CHECK(l.wt_level == 0);
  // Inputs at UnifiedBuffer: N 1, C 4 / 4 lanes, H span 3 (R), W span 4 + 3 - 1.
  CHECK(l.in_tile == std::array<std::int64_t, 4>{1, 1, 3, 6});
  // Outputs at Accumulators: K 4 / 4 lanes, P 1, Q 4.
  CHECK(l.out_tile == std::array<std::int64_t, 4>{1, 1, 1, 4});
}

TEST_CASE("nest_lower: registers worked out by hand") {
  const auto p = layer();
  const NestLayer l = analyse_nest_layer(p, tpu4(), mapping(p));
  const auto cfg = nest_accelerator_config(tpu4(), {l});
  const NestLayerConfig c = configure_nest_layer(cfg, l);
  CHECK(reg(c, "bound_0") == 4);
  CHECK(reg(c, "bound_3") == 4);
  // Inputs refetch when P (loop 3) steps; Outputs too; weights when S (loop 1) steps.
  CHECK(reg(c, "trig_in") == 3);
  CHECK(reg(c, "trig_out") == 3);
  CHECK(reg(c, "trig_wt") == 1);
  // Loops irrelevant to Outputs: S (1) and R (2); above Accumulators only R.
  CHECK(reg(c, "first_out") == 0b110);
  CHECK(reg(c, "tile_first_out") == 0b100);
  // Input rows are W = 4 + 3 - 1 = 6 wide in DRAM: P steps one row (stride 1).
  CHECK(reg(c, "stride_in_src_3") == 6);
  // Inside the Inputs bank (rows of 6): S moves one column, R one row, Q one column.
  CHECK(reg(c, "stride_in_addr_0") == 1);
  CHECK(reg(c, "stride_in_addr_1") == 1);
  CHECK(reg(c, "stride_in_addr_2") == 6);
  // Weights [K][C][R][S]: the DRAM K loop moves 4 filters, the load's row step goes back one
  // channel (two's complement), the first row loaded is the last channel of the tile.
  CHECK(reg(c, "stride_wt_src_4") == 4 * 4 * 9);
  CHECK(reg(c, "sstr_wt_1") == (std::uint64_t{1} << cfg.dram_addr_width) - 9);
  const std::int64_t in_words = 4 * 6 * 6;
  CHECK(c.wt_base == in_words);
  CHECK(reg(c, "base_wt_src") == static_cast<std::uint64_t>(in_words + 3 * 9));
  CHECK(c.out_base == in_words + 8 * 4 * 9);
  CHECK(c.hex().rfind("0 4\n", 0) == 0); // bound_0 first
}

TEST_CASE("nest_lower: mappings the accelerator does not run are refused, named") {
  const auto p = layer();
  const auto arch = tpu4();
  sched::Mapping kx = mapping(p);
  std::swap(kx.levels[1].spatial_x, kx.levels[1].spatial_y);
  CHECK_THROWS_WITH(analyse_nest_layer(p, arch, kx),
                    Catch::Contains("layer 'l': K is unrolled on Accumulators's X axis") &&
                        Catch::Contains("C|K"));
  sched::Mapping bypass = mapping(p);
  bypass.levels[0].keep = {false, true, true};
  CHECK_THROWS_WITH(analyse_nest_layer(p, arch, bypass),
                    Catch::Contains("Weights must be kept in the PE registers (WeightReg)"));
  // A whole input plane at the 1 KB UnifiedBuffer: 4 x 6 x 6 fits; make it not fit.
  sched::ConvShape big;
  big.name = "big";
  big.C = 4;
  big.K = 4;
  big.P = big.Q = 16;
  const auto bp = sched::make_conv2d(big);
  sched::Mapping bm;
  bm.levels.resize(4);
  bm.levels[1].spatial_x = {{bp.dim_index("C"), 4}};
  bm.levels[1].spatial_y = {{bp.dim_index("K"), 4}};
  bm.levels[0].temporal = {{bp.dim_index("Q"), 16}};
  bm.levels[2].temporal = {{bp.dim_index("P"), 16}};
  const NestLayer l = analyse_nest_layer(bp, arch, bm);
  // Outputs at Accumulators: 4 x 16 words fit in its 128; Inputs 4 x 16 x 16 = 1024 fit; so
  // shrink the buffer.
  sched::Arch small = arch;
  small.levels[2].size_words = 1000;
  CHECK_THROWS_WITH(nest_accelerator_config(small, {l}),
                    "layer 'big': the Inputs tile at UnifiedBuffer takes 256 words per bank x 4 "
                    "banks = 1024 words; UnifiedBuffer holds 1000");
}

TEST_CASE("nest_lower: a double-buffered level gets two halves, checked as two tiles") {
  const auto p = layer();
  sched::Arch arch = tpu4();
  arch.levels[2].double_buffered = true; // UnifiedBuffer (Inputs)
  const NestLayer l = analyse_nest_layer(p, arch, mapping(p));
  CHECK(l.in_double);
  CHECK_FALSE(l.out_double);
  const auto cfg = nest_accelerator_config(arch, {l});
  CHECK(cfg.in_double);
  CHECK_FALSE(cfg.out_double);
  CHECK(cfg.in_depth == l.in_bank_words); // per half
  const NestLayerConfig c = configure_nest_layer(cfg, l);
  CHECK(reg(c, "db_in") == 1);
  CHECK(reg(c, "db_out") == 0);
  // Two Inputs tiles of 4 x 18 words must fit: 143 words do not.
  arch.levels[2].size_words = 143;
  CHECK_THROWS_WITH(nest_accelerator_config(arch, {l}),
                    "layer 'l': the Inputs tile at UnifiedBuffer takes 18 words per bank x 4 "
                    "banks x 2 (double-buffered) = 144 words; UnifiedBuffer holds 143");
  // A design without the second half refuses the layer, naming the key.
  hcl::gen::NestAcceleratorConfig single = cfg;
  single.in_double = false;
  CHECK_THROWS_WITH(configure_nest_layer(single, l), Catch::Contains("in_double"));
  // A double-buffered PE weight level: shadow registers (wt_double) and the db_wt register.
  sched::Arch wdb = tpu4();
  wdb.levels[0].double_buffered = true;
  wdb.levels[0].size_words = 2;
  const NestLayer lw = analyse_nest_layer(p, wdb, mapping(p));
  CHECK(lw.wt_double);
  const auto wcfg = nest_accelerator_config(wdb, {lw});
  CHECK(wcfg.wt_double);
  CHECK(reg(configure_nest_layer(wcfg, lw), "db_wt") == 1);
  CHECK_THROWS_WITH(configure_nest_layer(cfg, lw), Catch::Contains("wt_double"));
}

TEST_CASE("nest_lower: idle banks count against the level, as in the model's capacity check") {
  // C = 2 on the 4-row array: a 15 x 20 plane per channel is 600 words by footprint (it fits
  // the 1,024-word UnifiedBuffer), but the buffer has 4 banks of 300: 1,200 words.
  sched::ConvShape s;
  s.name = "half";
  s.C = 2;
  s.K = 4;
  s.P = 15;
  s.Q = 20;
  const auto p = sched::make_conv2d(s);
  sched::Mapping m;
  m.levels.resize(4);
  m.levels[1].spatial_x = {{p.dim_index("C"), 2}};
  m.levels[1].spatial_y = {{p.dim_index("K"), 4}};
  m.levels[2].temporal = {{p.dim_index("Q"), 20}, {p.dim_index("P"), 15}};
  const auto arch = tpu4();
  for (std::size_t l = 0; l + 1 < arch.levels.size(); ++l)
    m.levels[l].keep = arch.levels[l].keeps;
  const NestLayer l = analyse_nest_layer(p, arch, m);
  CHECK(l.in_bank_words == 300);
  CHECK_THROWS_WITH(nest_accelerator_config(arch, {l}),
                    "layer 'half': the Inputs tile at UnifiedBuffer takes 300 words per bank x 4 "
                    "banks = 1200 words; UnifiedBuffer holds 1024");
  // The spec file's arch is unbanked and takes the mapping; the arch as built refuses it with
  // the same numbers, so the search (which uses the arch as built) never picks it.
  std::string why;
  for (const auto &i : sched::check_mapping(p, arch, m))
    why += i.message + "\n";
  INFO(why);
  CHECK(sched::check_mapping(p, arch, m).empty());
  const auto built = nest_timed_arch(arch, nest_accelerator_config(arch, {}));
  const auto issues = sched::check_mapping(p, built, m);
  REQUIRE(issues.size() == 1);
  CHECK(issues[0].message == "tile needs 1,200 words at UnifiedBuffer, capacity 1,024: Inputs "
                             "1,200 (4 banks x 300)");
}

TEST_CASE("nest_lower: a level keeping both tensors for every layer holds both buffers as built") {
  // LocalBuffer (256 words, a 3 x 2 mesh below) keeps Inputs and Outputs of both layers. Each
  // fits: a = 3 x 49 + 2 x 25 = 197 words, b = 3 x 25 + 2 x 75 = 225. The buffers built for
  // a's Inputs and b's Outputs take 147 + 150 = 297.
  const auto arch =
      sched::load_arch_yaml(HCL_SOURCE_DIR "/tests/flows/data/nest_two_buffers.arch.yaml");
  const auto make = [](const char *name, std::int64_t K, std::int64_t R) {
    sched::ConvShape s;
    s.name = name;
    s.C = 3;
    s.K = K;
    s.P = s.Q = 5;
    s.R = s.S = R;
    return sched::make_conv2d(s);
  };
  const auto pa = make("a", 2, 3), pb = make("b", 6, 1);
  const auto local = [](const sched::Problem &p, std::vector<sched::Loop> loops) {
    sched::Mapping m;
    m.levels.resize(4);
    m.levels[1].spatial_x = {{p.dim_index("C"), 3}};
    m.levels[1].spatial_y = {{p.dim_index("K"), 2}};
    m.levels[1].temporal = std::move(loops);
    m.levels[2].keep = {false, false, false};
    return m;
  };
  const int Pa = pa.dim_index("P"), Qa = pa.dim_index("Q");
  const auto ma = local(pa, {{Qa, 5}, {Pa, 5}, {pa.dim_index("S"), 3}, {pa.dim_index("R"), 3}});
  const auto mb = local(pb, {{Qa, 5}, {Pa, 5}, {pb.dim_index("K"), 3}});
  const NestLayer a = analyse_nest_layer(pa, arch, ma), b = analyse_nest_layer(pb, arch, mb);
  CHECK_NOTHROW(nest_accelerator_config(arch, {a}));
  CHECK_NOTHROW(nest_accelerator_config(arch, {b}));
  CHECK_THROWS_WITH(nest_accelerator_config(arch, {a, b}),
                    Catch::Contains("LocalBuffer keeps Inputs and Outputs for every layer") &&
                        Catch::Contains("147 + 150 = 297 words (a's Inputs, b's Outputs); "
                                        "LocalBuffer holds 256"));
}
