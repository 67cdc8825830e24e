#include <scheduler/search/explore.h>

#include <scheduler/io/search_json.h>
#include <scheduler/io/spec_yaml.h>

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <sstream>
#include <stdexcept>

namespace hcl::sched {

std::vector<std::string> default_dataflows() { return {"C|K", "R|P", "Q|P", "S|R"}; }

std::vector<int> dataflow_dims(const Problem &problem, const std::string &dataflow) {
  std::vector<int> dims;
  std::stringstream ss(dataflow);
  std::string tok;
  while (std::getline(ss, tok, '|')) {
    const int d = problem.dim_index(tok);
    if (d < 0) {
      std::string valid;
      for (const auto &n : problem.dim_names) {
        valid += (valid.empty() ? "" : ", ") + n;
      }
      throw std::invalid_argument(fmt::format("dataflow '{}': layer '{}' has no dimension '{}' "
                                              "(valid: {})",
                                              dataflow, problem.name, tok, valid));
    }
    dims.push_back(d);
  }
  if (dims.empty()) {
    throw std::invalid_argument(fmt::format("dataflow '{}': name the dimensions that may be "
                                            "unrolled, e.g. C|K",
                                            dataflow));
  }
  return dims;
}

namespace {

// A time limit shared by searches one after another: each gets an equal share of what is
// left, so time one does not use goes to the rest, and one that overruns (its budget stops it
// only once it has a mapping) takes from the rest instead of from the promise.
class Budget {
public:
  explicit Budget(double seconds) : seconds_(seconds), start_(std::chrono::steady_clock::now()) {}
  // The budget of the next search, `searches` (>= 1) included; 0 without a time limit.
  double share(std::size_t searches) const {
    if (seconds_ <= 0) {
      return 0;
    }
    const double used =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    return std::max(1e-3, (seconds_ - used) / static_cast<double>(searches));
  }

private:
  double seconds_;
  std::chrono::steady_clock::time_point start_;
};

} // namespace

std::vector<DataflowPoint> explore_dataflows(const Problem &problem, const Arch &arch,
                                             const std::vector<std::string> &dataflows,
                                             const SearchOptions &options) {
  if (dataflows.empty()) {
    throw std::invalid_argument("dataflows: give at least one, e.g. C|K,R|P");
  }
  std::vector<DataflowPoint> out;
  for (const auto &df : dataflows) {
    DataflowPoint pt;
    pt.name = df;
    pt.dims = dataflow_dims(problem, df);
    out.push_back(std::move(pt));
  }
  const Budget budget(options.time_limit_s);
  for (std::size_t n = 0; n < out.size(); ++n) {
    DataflowPoint &pt = out[n];
    SearchOptions o = options;
    if (pt.dims.size() == 2) {
      o.space.dataflow_x = pt.dims[0];
      o.space.dataflow_y = pt.dims[1];
    } else {
      o.space.unroll_dims = pt.dims;
    }
    o.time_limit_s = budget.share(out.size() - n);
    pt.result = search(problem, arch, o);
  }
  return out;
}

Arch resize_level(const Arch &arch, int level, std::int64_t size_bytes) {
  if (level < 0 || level >= static_cast<int>(arch.levels.size())) {
    throw std::invalid_argument(fmt::format("resize_level: level {} out of range", level));
  }
  if (size_bytes < 1) {
    throw std::invalid_argument(
        fmt::format("resize_level: size {} B must be positive", size_bytes));
  }
  Arch a = arch;
  Level &lv = a.levels[static_cast<std::size_t>(level)];
  const std::int64_t bytes_per_word = std::max(1, lv.word_bits / 8);
  const std::int64_t old_bytes = lv.size_words * bytes_per_word;
  if (old_bytes > 0) {
    const double ratio = interstellar_word_energy_pj(lv.kind, size_bytes) /
                         interstellar_word_energy_pj(lv.kind, old_bytes);
    lv.read_energy_pj *= ratio;
    lv.write_energy_pj *= ratio;
    lv.update_energy_pj *= ratio;
    // Area per bit is constant in the area model (area.h), so area follows the size.
    lv.area_um2 *= static_cast<double>(size_bytes) / static_cast<double>(old_bytes);
  }
  lv.size_words = size_bytes / bytes_per_word;
  return a;
}

MemoryGrid
explore_memory(const Problem &problem, const Arch &arch,
               const std::vector<std::pair<std::string, std::vector<std::int64_t>>> &sizes,
               const SearchOptions &options) {
  MemoryGrid g;
  std::vector<int> idx;
  for (const auto &[name, list] : sizes) {
    int found = -1;
    for (std::size_t l = 0; l < arch.levels.size(); ++l) {
      if (arch.levels[l].name == name) {
        found = static_cast<int>(l);
      }
    }
    if (found < 0) {
      std::string valid;
      for (const auto &l : arch.levels) {
        valid += (valid.empty() ? "" : ", ") + l.name;
      }
      throw std::invalid_argument(fmt::format(
          "memory sweep: arch '{}' has no level '{}' (valid: {})", arch.name, name, valid));
    }
    if (list.empty()) {
      throw std::invalid_argument(fmt::format("memory sweep: no sizes given for level '{}'", name));
    }
    g.levels.push_back(name);
    g.sizes.push_back(list);
    idx.push_back(found);
  }
  std::size_t total = 1;
  for (const auto &s : g.sizes) {
    total *= s.size();
  }
  const Budget budget(options.time_limit_s);
  std::vector<std::size_t> pos(g.sizes.size(), 0);
  for (std::size_t n = 0; n < total; ++n) {
    Arch a = arch;
    MemoryPoint pt;
    for (std::size_t k = 0; k < g.sizes.size(); ++k) {
      const std::int64_t bytes = g.sizes[k][pos[k]];
      a = resize_level(a, idx[k], bytes);
      pt.size_bytes.push_back(bytes);
    }
    SearchOptions o = options;
    o.time_limit_s = budget.share(total - n);
    pt.result = search(problem, a, o);
    g.points.push_back(std::move(pt));
    for (std::size_t k = g.sizes.size(); k-- > 0;) {
      if (++pos[k] < g.sizes[k].size()) {
        break;
      }
      pos[k] = 0;
    }
  }
  return g;
}

std::string dataflows_csv(const std::vector<DataflowPoint> &points) {
  std::string s = "dataflow,energy_pj,cycles,utilization,optimal,gap,relative_to_best\n";
  double best = 0;
  for (const auto &p : points) {
    if (p.result.found && (best == 0 || p.result.evaluation.energy_pj < best)) {
      best = p.result.evaluation.energy_pj;
    }
  }
  for (const auto &p : points) {
    if (!p.result.found) {
      s += fmt::format("{},,,,{},,\n", p.name, p.result.optimal);
      continue;
    }
    const auto &e = p.result.evaluation;
    s += fmt::format("{},{:.3f},{},{:.6f},{},{:.6f},{:.6f}\n", p.name, e.energy_pj, e.cycles,
                     e.utilization, p.result.optimal, p.result.gap, e.energy_pj / best);
  }
  return s;
}

nlohmann::json dataflows_json(const Problem &problem, const Arch &arch,
                              const std::vector<DataflowPoint> &points) {
  nlohmann::json arr = nlohmann::json::array();
  for (const auto &p : points) {
    LayerSchedule ls;
    ls.name = p.name;
    ls.problem = problem;
    ls.result = p.result;
    nlohmann::json j = layer_json(ls, arch, Objective::Energy);
    j["dataflow"] = p.name;
    arr.push_back(j);
  }
  return {{"layer", problem.name}, {"arch", arch.name}, {"dataflows", arr}};
}

std::string memory_csv(const MemoryGrid &g) {
  std::string s;
  for (const auto &l : g.levels) {
    s += l + "_bytes,";
  }
  s += "energy_pj,cycles,optimal,gap\n";
  for (const auto &p : g.points) {
    for (auto b : p.size_bytes) {
      s += fmt::format("{},", b);
    }
    if (p.result.found) {
      s += fmt::format("{:.3f},{},{},{:.6f}\n", p.result.evaluation.energy_pj,
                       p.result.evaluation.cycles, p.result.optimal, p.result.gap);
    } else {
      s += fmt::format(",,{},\n", p.result.optimal);
    }
  }
  return s;
}

nlohmann::json memory_json(const Problem &problem, const Arch &arch, const MemoryGrid &g) {
  nlohmann::json pts = nlohmann::json::array();
  for (const auto &p : g.points) {
    nlohmann::json j = {{"size_bytes", p.size_bytes},
                        {"found", p.result.found},
                        {"optimal", p.result.optimal},
                        {"gap", p.result.gap},
                        {"interrupted", p.result.interrupted}};
    if (p.result.found) {
      j["energy_pj"] = p.result.evaluation.energy_pj;
      j["cycles"] = p.result.evaluation.cycles;
      j["schedule"] = schedule_json(problem, arch, p.result.mapping);
    }
    pts.push_back(j);
  }
  return {{"layer", problem.name},
          {"arch", arch.name},
          {"levels", g.levels},
          {"sizes", g.sizes},
          {"points", pts}};
}

} // namespace hcl::sched
