#include <flows/search_cache.h>

#include "cache_entry.h"
#include "content_hash.h"

#include <flows/atomic_file.h>
#include <flows/sim_build.h>

#include <scheduler/io/spec_yaml.h>
#include <scheduler/io/yaml_util.h>
#include <scheduler/model/model.h>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include <fstream>

namespace hcl::flows {

namespace fs = std::filesystem;
using namespace hcl::sched;

namespace {

// A field added to one of these structs changes its size and stops the build here, so the
// key cannot silently leave it out (which would reuse a result searched with another value).
// The sizes are those of the LP64 ABIs (x86-64, AArch64) the project builds on.
#if defined(__x86_64__) || defined(__aarch64__)
static_assert(sizeof(Level) == 160, "Level changed: add the new field to arch_key");
static_assert(sizeof(MachineTiming) == 48, "MachineTiming changed: add the new field to arch_key");
static_assert(sizeof(Arch) == 144, "Arch changed: add the new field to arch_key");
static_assert(sizeof(SpaceOptions) == 80, "SpaceOptions changed: add the new field to space_key");
static_assert(sizeof(LevelConstraint) == 320, "LevelConstraint changed: add it to space_key");
static_assert(sizeof(TensorSpec) == 64, "TensorSpec changed: add the new field to problem_key");
#endif

// The layer's shape, as same_shape compares it: its name does not change the search.
std::string problem_key(const Problem &p) {
  std::string s =
      fmt::format("dims {} bounds {}\n", fmt::join(p.dim_names, ","), fmt::join(p.bounds, ","));
  for (const auto &t : p.tensors) {
    s += fmt::format("tensor {} rw {}", t.name, t.read_write);
    for (const auto &rank : t.projection) {
      s += " [";
      for (const auto &term : rank) {
        s += fmt::format("{}*{} ", term.coef, term.dim);
      }
      s += "]";
    }
    s += "\n";
  }
  return s;
}

std::string level_key(const Level &l) {
  return fmt::format(
      "level {} kind {} size {} bits {} block {} bw {} {} db {} min_util {} keeps {} energy {} {} "
      "{} {} fanout {}x{} hop {} area {} banks {}\n",
      l.name, static_cast<int>(l.kind), l.size_words, l.word_bits, l.block_size, l.read_bandwidth,
      l.write_bandwidth, l.double_buffered, l.min_utilization, fmt::join(l.keeps, ","),
      l.read_energy_pj, l.write_energy_pj, l.update_energy_pj, l.leak_energy_pj, l.fanout_x,
      l.fanout_y, l.hop_energy_pj, l.area_um2, fmt::join(l.bank_axes, ","));
}

std::string arch_key(const Arch &a) {
  const MachineTiming &m = a.machine;
  std::string s =
      fmt::format("arch mac {} {} clock {} mac_area {} has_area {} machine {} {} {} {} {} {}\n",
                  a.mac_energy_pj, a.mac_bits, a.clock_ghz, a.mac_area_um2, a.has_area, m.start,
                  m.drain, m.fill_tail, m.writeback_tail, m.prefetch_lag, m.port_words);
  for (const auto &l : a.levels) {
    s += level_key(l);
  }
  return s;
}

std::string space_key(const SpaceOptions &o) {
  std::string s =
      fmt::format("space dims/axis {} bypass {} min_util {} unroll {} dataflow {} {} pad {}\n",
                  o.max_dims_per_axis, o.bypass, o.min_utilization, fmt::join(o.unroll_dims, ","),
                  o.dataflow_x, o.dataflow_y, o.max_pad);
  for (const auto &c : o.constraints) {
    s += fmt::format("constraint t {} s {} tmax {} smax {} perm {} sperm {} split {} keep {}\n",
                     fmt::join(c.temporal, ","), fmt::join(c.spatial, ","),
                     fmt::join(c.temporal_max, ","), fmt::join(c.spatial_max, ","),
                     fmt::join(c.permutation, ","), fmt::join(c.spatial_permutation, ","), c.split,
                     fmt::join(c.keep, ","));
  }
  return s;
}

nlohmann::json stats_to_json(const SearchStats &s) {
  return {s.subproblems, s.subproblems_pruned, s.nodes,  s.pruned,
          s.evaluations, s.capacity_cuts,      s.seconds};
}

SearchStats stats_from_json(const nlohmann::json &j) {
  return {j.at(0), j.at(1), j.at(2), j.at(3), j.at(4), j.at(5), j.at(6)};
}

// The kept result, with its mapping evaluated by this model; nothing when the entry does not
// hold or no longer gives the objective it was kept with.
std::optional<SearchCache::Entry> read_entry(const fs::path &file, const Problem &p, const Arch &a,
                                             const SearchOptions &o) {
  const std::optional<nlohmann::json> entry = detail::read_cache_entry(file, 1);
  if (!entry) {
    return std::nullopt;
  }
  const nlohmann::json &j = *entry;
  SearchCache::Entry e;
  SearchResult &r = e.result;
  r.found = j.at("found");
  r.optimal = true;
  r.objective = j.at("objective");
  r.lower_bound = j.at("lower_bound");
  r.stats = stats_from_json(j.at("stats"));
  r.bounds = p.bounds;
  e.attainable_traffic = j.at("attainable_traffic");
  if (r.found) {
    const std::string text = j.at("mapping");
    r.mapping = parse_mapping(load_yaml_string(text, file.string()).at("schedule"), p, a);
    r.evaluation = evaluate(p, a, r.mapping, o.mode);
    if (objective_value(r.evaluation, o.objective) != r.objective) {
      return std::nullopt;
    }
  }
  return e;
}

} // namespace

std::string search_key_text(const Problem &problem, const Arch &arch,
                            const SearchOptions &options) {
  return fmt::format("hcl search cache 1\ncode {}\n{}{}{}objective {} mode {} beat {}\n",
                     detail::code_identity(), problem_key(problem), arch_key(arch),
                     space_key(options.space), static_cast<int>(options.objective),
                     static_cast<int>(options.mode), options.beat);
}

DiskSearchCache::DiskSearchCache(fs::path dir)
    : dir_(dir.empty() ? default_cache_dir() : std::move(dir)) {}

fs::path DiskSearchCache::entry_path(const Problem &problem, const Arch &arch,
                                     const SearchOptions &options) const {
  detail::ContentHash h;
  h.add(search_key_text(problem, arch, options));
  return dir_ / ("search-" + h.hex() + ".json");
}

std::optional<SearchCache::Entry> DiskSearchCache::find(const Problem &problem, const Arch &arch,
                                                        const SearchOptions &options) {
  ++lookups_;
  std::optional<Entry> e;
  try {
    e = read_entry(entry_path(problem, arch, options), problem, arch, options);
  } catch (const std::exception &) {
    // An entry this build cannot read is a miss: the layer is searched again and rewritten.
  }
  hits_ += e ? 1 : 0;
  return e;
}

void DiskSearchCache::keep(const Problem &problem, const Arch &arch, const SearchOptions &options,
                           const Entry &entry) {
  const SearchResult &r = entry.result;
  // A padded result reports against other bounds than the layer's; it is searched again.
  if (r.found && r.bounds != problem.bounds) {
    return;
  }
  nlohmann::json j = {{"format", 1},
                      {"layer", problem.name},
                      {"found", r.found},
                      {"objective", r.objective},
                      {"lower_bound", r.lower_bound},
                      {"stats", stats_to_json(r.stats)},
                      {"attainable_traffic", entry.attainable_traffic}};
  if (r.found) {
    j["mapping"] = mapping_to_yaml(problem, arch, r.mapping);
  }
  fs::create_directories(dir_);
  write_file_atomic(entry_path(problem, arch, options), j.dump() + "\n");
}

} // namespace hcl::flows
