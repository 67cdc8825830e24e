#include <scheduler/search/allocate.h>

#include <scheduler/model/lower_bound.h>
#include <scheduler/search/explore.h>
#include <scheduler/search/padding.h>
#include <scheduler/search/space.h>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

namespace hcl::sched {

namespace {

using Clock = std::chrono::steady_clock;
constexpr double kInf = std::numeric_limits<double>::infinity();

int level_index(const Arch &arch, const std::string &name) {
  for (std::size_t l = 0; l < arch.levels.size(); ++l) {
    if (arch.levels[l].name == name) {
      return static_cast<int>(l);
    }
  }
  std::string valid;
  for (std::size_t l = 0; l + 1 < arch.levels.size(); ++l) {
    valid += (valid.empty() ? "" : ", ") + arch.levels[l].name;
  }
  throw std::invalid_argument(fmt::format("--sizes: arch '{}' has no level '{}' (on-chip levels: "
                                          "{})",
                                          arch.name, name, valid));
}

// Level indices of the sized levels, after checking every list.
std::vector<int> check_sizes(const Arch &arch, const AllocationOptions &o) {
  std::vector<int> idx;
  for (const auto &c : o.sizes) {
    const int l = level_index(arch, c.level);
    if (l + 1 == static_cast<int>(arch.levels.size())) {
      throw std::invalid_argument(
          fmt::format("--sizes {}: the backing store is not sized; give on-chip levels", c.level));
    }
    if (std::find(idx.begin(), idx.end(), l) != idx.end()) {
      throw std::invalid_argument(fmt::format(
          "--sizes {}: the level is listed twice; give all its candidates in one list", c.level));
    }
    if (c.size_bytes.empty()) {
      throw std::invalid_argument(fmt::format("--sizes {}: no candidate sizes", c.level));
    }
    const int bits = arch.levels[static_cast<std::size_t>(l)].word_bits;
    for (const auto b : c.size_bytes) {
      if (b < 1 || (b * 8) % bits != 0) {
        throw std::invalid_argument(fmt::format(
            "--sizes {}: {} B is not a positive whole number of {}-bit words", c.level, b, bits));
      }
    }
    idx.push_back(l);
  }
  return idx;
}

double network_root_bound(const Network &net, const Arch &arch, const SearchOptions &so) {
  double sum = 0;
  std::vector<double> bounds(net.layers.size(), kInf);
  for (std::size_t i = 0; i < net.layers.size(); ++i) {
    // Identical shapes have identical bounds.
    std::size_t k = 0;
    while (k < i && !same_shape(net.layers[k].problem, net.layers[i].problem)) {
      ++k;
    }
    bounds[i] = k < i ? bounds[k] : root_lower_bound(net.layers[i].problem, arch, so);
    if (bounds[i] == kInf) {
      return kInf;
    }
    sum += bounds[i] * static_cast<double>(net.layers[i].repeat);
  }
  return sum;
}

// Proven lower bound of a (possibly time-limited) network search.
double proven_bound(const NetworkSchedule &s) {
  double sum = 0;
  for (const auto &l : s.layers) {
    sum += l.result.lower_bound * static_cast<double>(l.repeat);
  }
  return sum;
}

} // namespace

SizeCandidates parse_size_candidates(const std::string &spec) {
  const auto eq = spec.find('=');
  if (eq == std::string::npos || eq == 0) {
    throw std::invalid_argument(fmt::format("--sizes '{}': expected LEVEL=SIZE,SIZE,... (e.g. "
                                            "RF=64B,256B,1KB)",
                                            spec));
  }
  SizeCandidates c;
  c.level = spec.substr(0, eq);
  std::size_t start = eq + 1;
  while (start <= spec.size()) {
    const std::size_t comma = std::min(spec.find(',', start), spec.size());
    const std::string tok = spec.substr(start, comma - start);
    std::size_t i = 0;
    while (i < tok.size() && std::isdigit(static_cast<unsigned char>(tok[i])) != 0) {
      ++i;
    }
    std::string unit = tok.substr(i);
    for (auto &ch : unit) {
      ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    }
    std::int64_t mult = 0;
    if (unit.empty() || unit == "B") {
      mult = 1;
    } else if (unit == "K" || unit == "KB") {
      mult = 1024;
    } else if (unit == "M" || unit == "MB") {
      mult = std::int64_t{1024} * 1024;
    }
    if (i == 0 || i > 12 || mult == 0) {
      throw std::invalid_argument(fmt::format(
          "--sizes {}: size '{}' is not a byte count like 512, 512B, 32KB or 1MB", c.level, tok));
    }
    c.size_bytes.push_back(std::stoll(tok.substr(0, i)) * mult);
    start = comma + 1;
  }
  return c;
}

double root_lower_bound(const Problem &problem, const Arch &arch, const SearchOptions &options) {
  if (options.space.max_pad > 0) {
    // The padded space is the union of the exact spaces of the padded problems (padding.h).
    SearchOptions exact = options;
    exact.space.max_pad = 0;
    double best = kInf;
    for (const auto &bounds : padding_variants(problem, options.space)) {
      const Problem padded = with_bounds(problem, bounds);
      best = std::min(best, options.stop.stop_requested()
                                ? objective_floor(padded, arch, options.objective)
                                : root_lower_bound(padded, arch, exact));
    }
    return best;
  }
  const auto spatial = enumerate_spatial(problem, arch, options.space);
  const auto keeps = enumerate_keeps(problem, arch, options.space);
  BoundModel bm(problem, arch, options.mode);
  const std::size_t L = arch.levels.size();
  Mapping m;
  m.levels.resize(L);
  double best = kInf;
  // The same skeletons search() builds for its subproblems (spatial loops + keep sets).
  const std::vector<bool> repeat = repeats_earlier_cost(spatial);
  for (std::size_t s = 0; s < spatial.size(); ++s) {
    const SpatialChoice &sp = spatial[s];
    for (std::size_t k = 0; k < keeps.size() && !repeat[s]; ++k) {
      const auto &kp = keeps[k];
      for (std::size_t l = 0; l < L; ++l) {
        m.levels[l].spatial_x = sp.x[l];
        m.levels[l].spatial_y = sp.y[l];
        m.levels[l].keep = l + 1 == L ? std::array<bool, kMaxTensors>{true, true, true} : kp[l];
      }
      if (((s * keeps.size() + k) & 15) == 0 && options.stop.stop_requested()) {
        return std::min(best, objective_floor(problem, arch, options.objective)); // still a bound
      }
      bm.set_skeleton(m);
      best = std::min(best, objective_value(bm.root_bound(), options.objective));
    }
  }
  return best;
}

double network_objective(const NetworkSchedule &s, Objective objective) {
  double sum = 0;
  for (const auto &l : s.layers) {
    if (l.result.found) {
      sum += objective_value(l.result.evaluation, objective) * static_cast<double>(l.repeat);
    }
  }
  return sum;
}

namespace {

// One run of allocate(): every size combination with its area and root bound, then the
// networks scheduled on them, best bound first, until none can beat the best.
class Allocator {
public:
  Allocator(const Network &network, const Arch &arch, const AllocationOptions &allocation,
            const SearchOptions &options,
            const std::function<void(const AllocationPoint &)> &on_point)
      : network_(network), arch_(arch), allocation_(allocation), options_(options),
        on_point_(on_point), start_(Clock::now()) {}

  AllocationResult run() {
    check_budget();
    enumerate_points();
    refuse_if_over_budget();
    order_by_bound();
    for (std::size_t i = 0; i < order_.size(); ++i) {
      if (cannot_beat(res_.points[order_[i]].lower_bound, best_)) {
        break;
      }
      search_point(i);
    }
    return result();
  }

private:
  void check_budget() const {
    if (allocation_.max_area_um2 < 0) {
      throw std::invalid_argument(
          fmt::format("--max-area {} must be positive (um^2)", allocation_.max_area_um2));
    }
    if (allocation_.max_area_um2 > 0 && !arch_.has_area) {
      throw std::invalid_argument(fmt::format(
          "--max-area: arch '{}' has no area model; add 'area_table: accelergy_40nm' or "
          "area_um2 on every on-chip level and on the mac",
          arch_.name));
    }
  }

  // Every combination, row-major, with its area and (within the budget) its bound. Bounding
  // every combination can take the whole budget (0.3 s each for AlexNet conv3), so it gets
  // half; combinations not bounded by then keep objective_floor, still a bound.
  void enumerate_points() {
    const std::vector<int> idx = check_sizes(arch_, allocation_);
    res_.max_area_um2 = allocation_.max_area_um2;
    total_ = 1;
    for (const auto &c : allocation_.sizes) {
      res_.levels.push_back(c.level);
      total_ *= c.size_bytes.size();
    }
    SearchOptions bounding = options_;
    bounding.stop = options_.stop.within(options_.time_limit_s / 2);
    archs_.resize(total_);
    std::vector<std::size_t> pos(allocation_.sizes.size(), 0);
    for (std::size_t n = 0; n < total_; ++n) {
      AllocationPoint pt;
      Arch a = arch_;
      for (std::size_t k = 0; k < allocation_.sizes.size(); ++k) {
        const std::int64_t bytes = allocation_.sizes[k].size_bytes[pos[k]];
        a = resize_level(a, idx[k], bytes);
        pt.size_bytes.push_back(bytes);
      }
      pt.area_um2 = a.has_area ? arch_area(a).total_um2 : 0;
      pt.within_budget = allocation_.max_area_um2 <= 0 || pt.area_um2 <= allocation_.max_area_um2;
      if (pt.within_budget) {
        ++res_.within_budget;
        pt.lower_bound = network_root_bound(network_, a, bounding);
      }
      archs_[n] = std::move(a);
      res_.points.push_back(std::move(pt));
      for (std::size_t k = allocation_.sizes.size(); k-- > 0;) {
        if (++pos[k] < allocation_.sizes[k].size_bytes.size()) {
          break;
        }
        pos[k] = 0;
      }
    }
  }

  void refuse_if_over_budget() const {
    if (res_.within_budget != 0) {
      return;
    }
    std::size_t least = 0;
    for (std::size_t n = 0; n < total_; ++n) {
      least = res_.points[n].area_um2 < res_.points[least].area_um2 ? n : least;
    }
    if (allocation_.sizes.empty()) {
      throw std::invalid_argument(
          fmt::format("arch '{}': its area, {:.0f} um^2, exceeds the area budget {:.0f} um^2 "
                      "(--max-area)",
                      arch_.name, res_.points[least].area_um2, allocation_.max_area_um2));
    }
    throw std::invalid_argument(fmt::format(
        "no combination of sizes fits the area budget {:.0f} um^2 (--max-area): the smallest "
        "({}) has {:.0f} um^2",
        allocation_.max_area_um2, sizes_text(res_.levels, res_.points[least].size_bytes),
        res_.points[least].area_um2));
  }

  void order_by_bound() {
    for (std::size_t n = 0; n < total_; ++n) {
      if (res_.points[n].within_budget && res_.points[n].lower_bound < kInf) {
        order_.push_back(n);
      }
    }
    std::stable_sort(order_.begin(), order_.end(), [&](std::size_t a, std::size_t b) {
      return res_.points[a].lower_bound < res_.points[b].lower_bound;
    });
  }

  // The time left, shared equally by the combinations that can still beat the best.
  double time_share(std::size_t i, double left) const {
    std::size_t still = 0;
    for (std::size_t k = i;
         k < order_.size() && !cannot_beat(res_.points[order_[k]].lower_bound, best_); ++k) {
      ++still;
    }
    return std::max(1e-3, left / static_cast<double>(std::max<std::size_t>(1, still)));
  }

  void search_point(std::size_t i) {
    AllocationPoint &pt = res_.points[order_[i]];
    SearchOptions o = options_;
    const double left =
        options_.time_limit_s - std::chrono::duration<double>(Clock::now() - start_).count();
    stopped_ = stopped_ || options_.stop.stop_requested() ||
               (options_.time_limit_s > 0 && left <= 0 && best_ < kInf);
    if (options_.time_limit_s > 0 && !stopped_) {
      o.time_limit_s = time_share(i, left);
    }
    if (stopped_) {
      lower_ = std::min(lower_, pt.lower_bound);
      pt.out_of_time = true;
      ++res_.out_of_time;
      return;
    }
    NetworkSchedule s = schedule_network(network_, archs_[order_[i]], o);
    ++res_.searched;
    pt.searched = true;
    pt.found = s.all_found;
    pt.optimal = s.all_optimal;
    if (s.all_found) {
      pt.objective = network_objective(s, options_.objective);
      if (!pt.optimal) {
        lower_ = std::min(lower_, std::max(pt.lower_bound, proven_bound(s)));
      }
      if (pt.objective < best_) {
        best_ = pt.objective;
        best_n_ = order_[i];
        res_.schedule = std::move(s);
      }
    } else if (!pt.optimal) {
      lower_ = std::min(lower_, pt.lower_bound); // stopped before finding one: not ruled out
    }
    if (on_point_) {
      on_point_(pt);
    }
  }

  AllocationResult result() {
    res_.pruned = static_cast<std::int64_t>(order_.size()) - res_.searched - res_.out_of_time;
    if (best_ < kInf) {
      res_.found = true;
      res_.size_bytes = res_.points[best_n_].size_bytes;
      res_.arch = archs_[best_n_];
      res_.area_um2 = res_.points[best_n_].area_um2;
      res_.objective = best_;
      res_.optimal = cannot_beat(lower_, best_);
      res_.lower_bound = res_.optimal ? best_ : std::min(lower_, best_);
      res_.gap = best_ > 0 ? (best_ - res_.lower_bound) / best_ : 0;
    } else {
      res_.lower_bound = lower_ < kInf ? lower_ : 0;
      res_.optimal = !stopped_ && lower_ == kInf; // proven: nothing within the budget fits
    }
    res_.seconds = std::chrono::duration<double>(Clock::now() - start_).count();
    return std::move(res_);
  }

  const Network &network_;
  const Arch &arch_;
  const AllocationOptions &allocation_;
  const SearchOptions &options_;
  const std::function<void(const AllocationPoint &)> &on_point_;
  const Clock::time_point start_;
  AllocationResult res_;
  std::size_t total_ = 1;
  std::vector<Arch> archs_;
  std::vector<std::size_t> order_;
  double best_ = kInf;
  std::size_t best_n_ = 0;
  double lower_ = kInf; // least proven bound of combinations not finished
  bool stopped_ = false;
};

} // namespace

AllocationResult allocate(const Network &network, const Arch &arch,
                          const AllocationOptions &allocation, const SearchOptions &options,
                          const std::function<void(const AllocationPoint &)> &on_point) {
  return Allocator(network, arch, allocation, options, on_point).run();
}

std::string sizes_text(const std::vector<std::string> &levels,
                       const std::vector<std::int64_t> &size_bytes) {
  std::string s;
  for (std::size_t k = 0; k < levels.size() && k < size_bytes.size(); ++k) {
    s += fmt::format("{}{}={} B", k > 0 ? ", " : "", levels[k], size_bytes[k]);
  }
  return s;
}

nlohmann::json allocation_json(const AllocationResult &r) {
  nlohmann::json pts = nlohmann::json::array();
  for (const auto &p : r.points) {
    nlohmann::json j = {{"size_bytes", p.size_bytes},
                        {"area_um2", p.area_um2},
                        {"within_budget", p.within_budget},
                        {"searched", p.searched},
                        {"out_of_time", p.out_of_time}};
    if (p.within_budget) {
      j["lower_bound"] =
          p.lower_bound < kInf ? nlohmann::json(p.lower_bound) : nlohmann::json(nullptr);
    }
    if (p.searched) {
      j["found"] = p.found;
      j["optimal"] = p.optimal;
      if (p.found) {
        j["objective_value"] = p.objective;
      }
    }
    pts.push_back(j);
  }
  nlohmann::json j = {{"levels", r.levels},
                      {"found", r.found},
                      {"size_bytes", r.size_bytes},
                      {"area_um2", r.area_um2},
                      {"max_area_um2", r.max_area_um2},
                      {"objective_value", r.objective},
                      {"lower_bound", r.lower_bound},
                      {"optimal", r.optimal},
                      {"gap", r.gap},
                      {"combinations", r.points.size()},
                      {"within_budget", r.within_budget},
                      {"searched", r.searched},
                      {"pruned", r.pruned},
                      {"out_of_time", r.out_of_time},
                      {"seconds", r.seconds},
                      {"points", pts}};
  if (r.found && r.arch.has_area) {
    j["area"] = area_json(r.arch, arch_area(r.arch));
  }
  return j;
}

} // namespace hcl::sched
