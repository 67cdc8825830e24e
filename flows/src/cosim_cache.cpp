#include <flows/cosim_cache.h>

#include "cache_entry.h"
#include "content_hash.h"

#include <flows/atomic_file.h>
#include <flows/sim_build.h>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <fstream>
#include <iterator>
#include <optional>

namespace hcl::flows {

namespace fs = std::filesystem;

namespace {

std::string file_text(const fs::path &p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::string conv_key(const ConvLayer &c) {
  return fmt::format("conv N {} G {} C {} K {} P {} Q {} R {} S {} stride {} {} dilation {} {}\n",
                     c.N, c.G, c.C, c.K, c.P, c.Q, c.R, c.S, c.stride_h, c.stride_w, c.dil_h,
                     c.dil_w);
}

nlohmann::json run_to_json(const NestRun &r) {
  return {{"format", 1},
          {"layer", r.layer},
          {"outputs_checked", r.outputs_checked},
          {"mismatches", r.mismatches},
          {"first_mismatch", r.first_mismatch},
          {"measured_cycles", r.measured_cycles},
          {"counts", r.counts},
          {"finished", r.finished}};
}

std::optional<NestRun> read_run(const fs::path &file) {
  const std::optional<nlohmann::json> entry = detail::read_cache_entry(file, 1);
  if (!entry) {
    return std::nullopt;
  }
  const nlohmann::json &j = *entry;
  try {
    NestRun r;
    r.layer = j.at("layer");
    r.outputs_checked = j.at("outputs_checked");
    r.mismatches = j.at("mismatches");
    r.first_mismatch = j.at("first_mismatch");
    r.measured_cycles = j.at("measured_cycles");
    r.counts = j.at("counts").get<NestCounts>();
    r.finished = j.at("finished");
    return r;
  } catch (const nlohmann::json::exception &) {
    return std::nullopt; // an entry of another shape is a miss, simulated and rewritten
  }
}

} // namespace

std::string cosim_key_text(const std::vector<fs::path> &rtl, const std::string &top,
                           const gen::NestAcceleratorConfig &cfg, const NestLayer &layer,
                           const NestLayerConfig &config, std::uint64_t max_cycles,
                           std::uint64_t seed) {
  std::string s =
      fmt::format("hcl cosim cache 1\ncode {}\ntop {}\nconfig {}\nlayer {}\n{}registers {}\n"
                  "seed {} max_cycles {}\n",
                  detail::code_identity(), top, cfg.to_json().dump(), layer.name,
                  conv_key(layer.conv), config.to_json().dump(), seed, max_cycles);
  for (const auto &f : rtl) {
    s += fmt::format("file {}\n{}\n", f.filename().string(), file_text(f));
  }
  return s;
}

NestCheck check_nest_layer_reusing(const std::vector<fs::path> &rtl, const std::string &top,
                                   const gen::NestAcceleratorConfig &cfg, const sched::Arch &arch,
                                   const sched::Problem &problem, const sched::Mapping &mapping,
                                   const NestLayer &layer, const NestLayerConfig &config,
                                   std::uint64_t max_cycles, std::uint64_t seed, fs::path dir,
                                   const CycleProgress &progress) {
  const auto t0 = std::chrono::steady_clock::now();
  if (dir.empty()) {
    dir = default_cache_dir();
  }
  detail::ContentHash h;
  h.add(cosim_key_text(rtl, top, cfg, layer, config, max_cycles, seed));
  const fs::path entry = dir / ("cosim-" + h.hex() + ".json");
  if (auto run = read_run(entry)) {
    NestCheck c = judge_nest_run(std::move(*run), arch, problem, mapping, layer);
    c.run_cached = c.model_cached = true;
    c.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return c;
  }
  NestCheck c = check_nest_layer(rtl, top, cfg, arch, problem, mapping, layer, config, max_cycles,
                                 seed, progress);
  fs::create_directories(dir);
  write_file_atomic(entry, run_to_json(c.run).dump() + "\n");
  return c;
}

} // namespace hcl::flows
