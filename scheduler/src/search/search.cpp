#include <scheduler/search/search.h>

#include <scheduler/model/banking.h>
#include <scheduler/model/bounds.h>
#include <scheduler/model/lower_bound.h>
#include <scheduler/search/factorize.h>
#include <scheduler/search/padding.h>
#include <scheduler/search/search_random.h>

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <barrier>
#include <bit>
#include <chrono>
#include <cmath>
#include <limits>
#include <mutex>
#include <numeric>
#include <stdexcept>
#include <thread>
#include <unordered_map>

namespace hcl::sched {

Objective parse_objective(const std::string &name) {
  if (name == "energy") {
    return Objective::Energy;
  }
  if (name == "cycles") {
    return Objective::Cycles;
  }
  if (name == "edp") {
    return Objective::Edp;
  }
  throw std::invalid_argument(
      fmt::format("unknown objective '{}'; valid: energy, cycles, edp", name));
}

const char *objective_name(Objective o) {
  switch (o) {
  case Objective::Energy:
    return "energy";
  case Objective::Cycles:
    return "cycles";
  case Objective::Edp:
    return "edp";
  }
  return "?";
}

double objective_value(const Evaluation &e, Objective o) {
  switch (o) {
  case Objective::Energy:
    return e.energy_pj;
  case Objective::Cycles:
    return static_cast<double>(e.cycles);
  case Objective::Edp:
    return e.energy_pj * static_cast<double>(e.cycles);
  }
  return e.energy_pj;
}

double objective_value(const CostBound &b, Objective o) {
  switch (o) {
  case Objective::Energy:
    return b.energy_pj;
  case Objective::Cycles:
    return static_cast<double>(b.cycles);
  case Objective::Edp:
    return b.energy_pj * static_cast<double>(b.cycles);
  }
  return b.energy_pj;
}

bool cannot_beat(double lower, double best) {
  return best < std::numeric_limits<double>::infinity() &&
         lower >= best - kBoundSlack * std::fabs(best);
}

namespace {

bool have_incumbent_given(const SearchOptions &o) {
  return o.beat < std::numeric_limits<double>::infinity();
}

using Clock = std::chrono::steady_clock;
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr std::size_t kBatch = 32;

struct Sub {
  std::size_t spatial = 0, keep = 0;
  double root = 0;
};

struct Shared {
  const Problem &problem;
  const Arch &arch;
  const SearchOptions &opts;
  std::vector<SpatialChoice> spatial;
  std::vector<std::vector<std::array<bool, kMaxTensors>>> keeps;
  Clock::time_point start;
  std::atomic<bool> stop{false};
  std::atomic<bool> have_incumbent{false}; // the time limit never stops a search with nothing
};

Mapping skeleton(const Shared &sh, const Sub &s) {
  const std::size_t L = sh.arch.levels.size();
  Mapping m;
  m.levels.resize(L);
  for (std::size_t l = 0; l < L; ++l) {
    m.levels[l].spatial_x = sh.spatial[s.spatial].x[l];
    m.levels[l].spatial_y = sh.spatial[s.spatial].y[l];
    m.levels[l].keep = sh.keeps[s.keep][l];
    if (l + 1 == L) {
      m.levels[l].keep = {true, true, true};
    }
  }
  return m;
}

// One search thread: its own bound model and evaluator.
class Worker {
public:
  explicit Worker(Shared &sh)
      : sh_(sh), bm_(sh.problem, sh.arch, sh.opts.mode), ev_(sh.problem, sh.arch, sh.opts.mode) {
    L_ = static_cast<int>(sh.arch.levels.size());
    D_ = static_cast<int>(sh.problem.dim_names.size());
    T_ = static_cast<int>(sh.problem.tensors.size());
  }

  double root_bound(const Sub &s) {
    m_ = skeleton(sh_, s);
    bm_.set_skeleton(m_);
    return objective_value(bm_.root_bound(), sh_.opts.objective);
  }

  struct Outcome {
    bool found = false, finished = true;
    double value = kInf;
    Mapping mapping;
    SearchStats stats;
  };

  Outcome run(const Sub &s, double incumbent) {
    out_ = Outcome{};
    best_ = incumbent;
    m_ = skeleton(sh_, s);
    bm_.set_skeleton(m_);
    sp_.assign(static_cast<std::size_t>(L_), {});
    tensor_below_.assign(static_cast<std::size_t>(L_), 0U);
    std::array<std::int64_t, kMaxDims> rem{};
    rem.fill(1);
    for (int d = 0; d < D_; ++d) {
      rem[static_cast<std::size_t>(d)] = sh_.problem.bounds[static_cast<std::size_t>(d)];
    }
    std::int64_t pes0 = 1;
    for (int l = 0; l < L_; ++l) {
      auto &sp = sp_[static_cast<std::size_t>(l)];
      sp.fill(1);
      for (const auto *loops : {&m_.levels[static_cast<std::size_t>(l)].spatial_x,
                                &m_.levels[static_cast<std::size_t>(l)].spatial_y}) {
        for (const auto &lp : *loops) {
          sp[static_cast<std::size_t>(lp.dim)] *= lp.factor;
          rem[static_cast<std::size_t>(lp.dim)] /= lp.factor;
          if (l == 0) {
            pes0 *= lp.factor;
          }
        }
      }
    }
    banking_.assign(static_cast<std::size_t>(L_ * T_), Banking{});
    for (int l = 0; l < L_; ++l) {
      for (int t = 0; t < T_; ++t) {
        banking_[static_cast<std::size_t>(l * T_ + t)] = banking_of(sh_.arch, m_, l, t);
      }
    }
    const bool latch = pes0 > 1;
    unsigned below = 0;
    for (int l = 0; l < L_; ++l) {
      tensor_below_[static_cast<std::size_t>(l)] = latch ? (1U << T_) - 1 : below;
      for (int t = 0; t < T_; ++t) {
        if (keeps(l, t)) {
          below |= 1U << t;
        }
      }
    }
    // The backing store's tile is the whole problem.
    std::array<std::int64_t, kMaxDims> whole{};
    whole.fill(1);
    for (int d = 0; d < D_; ++d) {
      whole[static_cast<std::size_t>(d)] = sh_.problem.bounds[static_cast<std::size_t>(d)];
    }
    if (fits(L_ - 1, whole)) {
      dfs(L_ - 1, rem);
    }
    return out_;
  }

private:
  bool keeps(int l, int t) const {
    return l == L_ - 1 ||
           (sh_.arch.levels[static_cast<std::size_t>(l)].keeps[static_cast<std::size_t>(t)] &&
            m_.levels[static_cast<std::size_t>(l)].keep[static_cast<std::size_t>(t)]);
  }

  bool fits(int l, const std::array<std::int64_t, kMaxDims> &tile) const {
    const Level &lv = sh_.arch.levels[static_cast<std::size_t>(l)];
    if (lv.size_words <= 0) {
      return true;
    }
    std::int64_t need = 0;
    for (int t = 0; t < T_; ++t) {
      if (keeps(l, t)) {
        need +=
            held_words(sh_.problem, t, tile.data(), banking_[static_cast<std::size_t>(l * T_ + t)]);
      }
    }
    const std::int64_t usable = lv.double_buffered ? lv.size_words / 2 : lv.size_words;
    return need <= usable;
  }

  bool keeps_any(int l) const {
    for (int t = 0; t < T_; ++t) {
      if (keeps(l, t)) {
        return true;
      }
    }
    return false;
  }

  const std::vector<std::vector<int>> &orders(int l, unsigned mask) {
    const unsigned tmask = tensor_below_[static_cast<std::size_t>(l)];
    const std::uint64_t key =
        (static_cast<std::uint64_t>(l) << 32) | (std::uint64_t{tmask} << 16) | mask;
    auto it = order_cache_.find(key);
    if (it != order_cache_.end()) {
      return it->second;
    }
    static const std::vector<int> none;
    const auto &c = sh_.opts.space.constraints;
    const auto &fixed =
        static_cast<std::size_t>(l) < c.size() ? c[static_cast<std::size_t>(l)].permutation : none;
    return order_cache_
        .emplace(key, order_classes(sh_.problem, mask, tmask, fixed, credits_halo(sh_.opts.mode)))
        .first->second;
  }

  // Called at every node and every bound. A single node may bound 10^5 factor choices, so the
  // clock is read every 64 calls rather than every so many nodes.
  bool time_up() {
    if (sh_.stop.load(std::memory_order_relaxed)) {
      return true;
    }
    if ((++ticks_ & 63) != 0) {
      return false;
    }
    if (sh_.opts.stop.stop_requested() ||
        (sh_.opts.time_limit_s > 0 && sh_.have_incumbent &&
         std::chrono::duration<double>(Clock::now() - sh_.start).count() > sh_.opts.time_limit_s)) {
      sh_.stop = true;
      return true;
    }
    return false;
  }

  void set_temporal(int l, const std::array<std::int64_t, kMaxDims> &f,
                    const std::vector<int> &order) {
    auto &tl = m_.levels[static_cast<std::size_t>(l)].temporal;
    tl.clear();
    for (int d : order) {
      tl.push_back({d, f[static_cast<std::size_t>(d)]});
    }
  }

  // Energy at which a bound cuts (cannot_beat): bounds may stop counting there.
  double cutoff() const {
    return sh_.opts.objective == Objective::Energy ? best_ - kBoundSlack * std::fabs(best_) : kInf;
  }

  // The dimensions of `mask` in increasing order (for bounds that ignore the order).
  const std::vector<int> &any_order_of(unsigned mask) {
    any_order_.clear();
    for (int d = 0; d < D_; ++d) {
      if ((mask >> d) & 1U) {
        any_order_.push_back(d);
      }
    }
    return any_order_;
  }

  void leaf() {
    if (sh_.opts.admit && !sh_.opts.admit(m_)) {
      return;
    }
    ++out_.stats.evaluations;
    const Evaluation &e = ev_.evaluate(m_);
    const double v = objective_value(e, sh_.opts.objective);
    if (v < best_) {
      sh_.have_incumbent = true;
      best_ = v;
      out_.found = true;
      out_.value = v;
      out_.mapping = m_;
    }
  }

  void dfs(int j, const std::array<std::int64_t, kMaxDims> &rem) {
    if (time_up()) {
      out_.finished = false;
      return;
    }
    const auto &cons = sh_.opts.space.constraints;
    const LevelConstraint *lc =
        static_cast<std::size_t>(j) < cons.size() ? &cons[static_cast<std::size_t>(j)] : nullptr;
    if (j == 0) {
      std::array<std::int64_t, kMaxDims> f = rem;
      unsigned mask = 0;
      for (int d = 0; d < D_; ++d) {
        const std::int64_t fixed = lc ? lc->temporal[static_cast<std::size_t>(d)] : 0;
        const std::int64_t max = lc ? lc->temporal_max[static_cast<std::size_t>(d)] : 0;
        if ((fixed > 0 && fixed != f[static_cast<std::size_t>(d)]) ||
            (max > 0 && f[static_cast<std::size_t>(d)] > max)) {
          return;
        }
        if (f[static_cast<std::size_t>(d)] > 1) {
          mask |= 1U << d;
        }
      }
      for (const auto &ord : orders(0, mask)) {
        if (time_up()) {
          out_.finished = false;
          break;
        }
        set_temporal(0, f, ord);
        leaf();
      }
      m_.levels[0].temporal.clear();
      return;
    }
    // Candidate factors per dimension at level j.
    std::array<std::vector<std::int64_t>, kMaxDims> cand;
    const bool pass_through = !keeps_any(j) && j < L_ - 1;
    for (int d = 0; d < D_; ++d) {
      const auto du = static_cast<std::size_t>(d);
      const std::int64_t fixed = lc ? lc->temporal[du] : 0;
      if (fixed > 0) {
        if (rem[du] % fixed != 0) {
          return;
        }
        cand[du] = {fixed};
      } else if (pass_through) {
        // A level that keeps nothing: its loops act exactly like the innermost loops of the
        // level above, so the space keeps them there.
        cand[du] = {1};
      } else {
        cand[du] = divisors(rem[du]);
      }
      if (lc && lc->temporal_max[du] > 0) { // Timeloop's "D<=n"
        std::erase_if(cand[du], [max = lc->temporal_max[du]](std::int64_t v) { return v > max; });
        if (cand[du].empty()) {
          return;
        }
      }
    }
    struct Child {
      double lb;
      std::array<std::int64_t, kMaxDims> f;
    };
    std::vector<Child> kids;
    std::array<std::size_t, kMaxDims> idx{};
    std::array<std::int64_t, kMaxDims> f{}, next{}, tile{};
    f.fill(1);
    next.fill(1);
    tile.fill(1);
    while (true) {
      unsigned mask = 0;
      for (int d = 0; d < D_; ++d) {
        const auto du = static_cast<std::size_t>(d);
        f[du] = cand[du][idx[du]];
        next[du] = rem[du] / f[du];
        std::int64_t sp = 1;
        for (int l = 0; l < j; ++l) {
          sp *= sp_[static_cast<std::size_t>(l)][du];
        }
        tile[du] = next[du] * sp;
        if (f[du] > 1) {
          mask |= 1U << d;
        }
      }
      if (time_up()) {
        out_.finished = false;
        m_.levels[static_cast<std::size_t>(j)].temporal.clear();
        return;
      }
      ++out_.stats.nodes;
      if (!fits(j - 1, tile)) {
        ++out_.stats.capacity_cuts;
      } else {
        set_temporal(j, f, any_order_of(mask));
        const double lb = objective_value(bm_.bound(m_, j, true, -1, cutoff()), sh_.opts.objective);
        if (cannot_beat(lb, best_)) {
          ++out_.stats.pruned;
        } else {
          kids.push_back({lb, f});
        }
      }
      int d = 0;
      for (; d < D_; ++d) {
        const auto du = static_cast<std::size_t>(d);
        if (++idx[du] < cand[du].size()) {
          break;
        }
        idx[du] = 0;
      }
      if (d == D_) {
        break;
      }
    }
    std::stable_sort(kids.begin(), kids.end(),
                     [](const Child &a, const Child &b) { return a.lb < b.lb; });
    struct Ordered {
      double lb;
      const std::vector<int> *order;
    };
    std::vector<Ordered> ords;
    for (std::size_t k = 0; k < kids.size(); ++k) {
      if (cannot_beat(kids[k].lb, best_)) {
        out_.stats.pruned += static_cast<std::int64_t>(kids.size() - k);
        break;
      }
      const auto &kf = kids[k].f;
      unsigned mask = 0;
      for (int d = 0; d < D_; ++d) {
        const auto du = static_cast<std::size_t>(d);
        next[du] = rem[du] / kf[du];
        if (kf[du] > 1) {
          mask |= 1U << d;
        }
      }
      // Which loop is innermost at level j settles the counts of the tensors it is relevant
      // to (their first relevant loop); bounding each choice first (the others' order still
      // free) cuts most of the order classes, often all, at one bound per loop.
      std::array<bool, kMaxDims> inner_cut{};
      if (std::popcount(mask) > 1) {
        set_temporal(j, kf, any_order_of(mask));
        bool all_cut = true;
        for (int d = 0; d < D_; ++d) {
          if ((mask >> d) & 1U) {
            ++out_.stats.nodes;
            const double lb =
                objective_value(bm_.bound(m_, j, true, d, cutoff()), sh_.opts.objective);
            inner_cut[static_cast<std::size_t>(d)] = cannot_beat(lb, best_);
            all_cut = all_cut && inner_cut[static_cast<std::size_t>(d)];
            out_.stats.pruned += inner_cut[static_cast<std::size_t>(d)] ? 1 : 0;
          }
        }
        if (all_cut) {
          continue;
        }
      }
      ords.clear();
      for (const auto &ord : orders(j, mask)) {
        if (!ord.empty() && inner_cut[static_cast<std::size_t>(ord.front())]) {
          continue; // its completions all have that loop innermost
        }
        if (time_up()) {
          out_.finished = false;
          m_.levels[static_cast<std::size_t>(j)].temporal.clear();
          return;
        }
        set_temporal(j, kf, ord);
        ++out_.stats.nodes;
        const double lb =
            objective_value(bm_.bound(m_, j, false, -1, cutoff()), sh_.opts.objective);
        if (cannot_beat(lb, best_)) {
          ++out_.stats.pruned;
        } else {
          ords.push_back({lb, &ord});
        }
      }
      std::stable_sort(ords.begin(), ords.end(),
                       [](const Ordered &a, const Ordered &b) { return a.lb < b.lb; });
      const auto child_rem = next;
      for (std::size_t o = 0; o < ords.size(); ++o) {
        if (cannot_beat(ords[o].lb, best_)) {
          out_.stats.pruned += static_cast<std::int64_t>(ords.size() - o);
          break;
        }
        set_temporal(j, kf, *ords[o].order);
        dfs(j - 1, child_rem);
        if (!out_.finished) {
          m_.levels[static_cast<std::size_t>(j)].temporal.clear();
          return;
        }
      }
    }
    m_.levels[static_cast<std::size_t>(j)].temporal.clear();
  }

  Shared &sh_;
  BoundModel bm_;
  Evaluator ev_;
  int L_ = 0, D_ = 0, T_ = 0;
  Mapping m_;
  std::vector<std::array<std::int64_t, kMaxDims>> sp_;
  std::vector<Banking> banking_; // [level * T_ + tensor], from the skeleton's spatial loops
  std::vector<unsigned> tensor_below_;
  std::vector<int> any_order_;
  std::unordered_map<std::uint64_t, std::vector<std::vector<int>>> order_cache_;
  double best_ = kInf;
  Outcome out_;
  unsigned ticks_ = 0;
};

void add(SearchStats &a, const SearchStats &b) {
  a.nodes += b.nodes;
  a.pruned += b.pruned;
  a.evaluations += b.evaluations;
  a.capacity_cuts += b.capacity_cuts;
}

} // namespace

double objective_floor(const Problem &problem, const Arch &arch, Objective objective) {
  // Every mapping pays each MAC's energy, moves every element it uses across the backing
  // store's port at least once (paid per block, at the cheapest of its access energies), and
  // needs at least ceil(MACs / PEs) cycles.
  double energy = static_cast<double>(problem.macs()) * arch.mac_energy_pj;
  if (!arch.levels.empty()) {
    const Level &store = arch.levels.back();
    const double cheapest =
        std::min({store.read_energy_pj, store.write_energy_pj, store.update_energy_pj});
    const std::int64_t block = std::max(1, store.block_size);
    for (int t = 0; t < static_cast<int>(problem.tensors.size()); ++t) {
      const std::int64_t used = used_elements(problem, t, problem.bounds.data());
      const std::int64_t blocks = (used + block - 1) / block; // whole blocks, rounded up
      energy += static_cast<double>(blocks) * std::max(0.0, cheapest);
    }
  }
  const auto cycles = static_cast<double>(compute_bounds(problem, arch).compute_cycles);
  switch (objective) {
  case Objective::Energy:
    return energy;
  case Objective::Cycles:
    return cycles;
  case Objective::Edp:
    return energy * cycles;
  }
  return 0;
}

SearchResult search(const Problem &problem, const Arch &arch, const SearchOptions &opts) {
  if (opts.mode == Mode::Interstellar) {
    throw std::invalid_argument("search: mode 'interstellar' has its own search "
                                "(search_interstellar.h); use 'timeloop' or 'hcl' here");
  }
  if (opts.threads < 1) {
    throw std::invalid_argument(fmt::format("search: threads must be >= 1, got {}", opts.threads));
  }
  if (opts.stop.stop_requested()) {
    SearchResult none; // not even the space is enumerated: that alone can take a while
    none.bounds = problem.bounds;
    none.interrupted = opts.stop.interrupted();
    return none;
  }
  if (opts.space.max_pad > 0) {
    SearchOptions o = opts;
    o.resume_below = 0;                     // it speaks of all variants together, not of each
    return search_padded(problem, arch, o); // each padded variant comes back here, unpadded
  }
  Shared sh{problem, arch, opts, {}, {}, Clock::now(), {}};
  sh.spatial = enumerate_spatial(problem, arch, opts.space);
  sh.keeps = enumerate_keeps(problem, arch, opts.space);

  SearchResult res;
  std::vector<Sub> subs;
  subs.reserve(sh.spatial.size() * sh.keeps.size());
  const int nthreads = std::max(1, std::min<int>(opts.threads, static_cast<int>(kBatch)));
  std::vector<std::unique_ptr<Worker>> workers;
  workers.reserve(static_cast<std::size_t>(nthreads));
  for (int t = 0; t < nthreads; ++t) {
    workers.push_back(std::make_unique<Worker>(sh));
  }
  // Runs body(worker) on every worker, each on its own thread (the first on this one).
  auto on_all = [&](const std::function<void(Worker &)> &body) {
    std::vector<std::thread> pool;
    for (std::size_t t = 1; t < workers.size(); ++t) {
      pool.emplace_back([&, t] { body(*workers[t]); });
    }
    body(*workers[0]);
    for (auto &th : pool) {
      th.join();
    }
  };
  // Bounding every root can itself outlast a time limit (a padded variant with many divisors
  // has millions of subproblems; VGG-16's conv4_1 on the Eyeriss-like arch takes 0.6 s), so
  // the roots left when time is up keep objective_floor, a bound every mapping meets. Without
  // a caller's incumbent, the first random start still runs then.
  const bool may_stop = opts.time_limit_s > 0;
  const double floor = objective_floor(problem, arch, opts.objective);
  const std::vector<bool> repeat = repeats_earlier_cost(sh.spatial);
  for (std::size_t s = 0; s < sh.spatial.size(); ++s) {
    for (std::size_t k = 0; k < sh.keeps.size() && !repeat[s]; ++k) {
      subs.push_back(Sub{s, k, floor});
    }
  }
  {
    // Root bounds are independent: any split over threads gives the same values.
    std::atomic<std::size_t> at{0};
    on_all([&](Worker &w) {
      for (std::size_t i = at++; i < subs.size() && !sh.stop; i = at++) {
        if ((i & 15) == 0 &&
            (opts.stop.stop_requested() ||
             (may_stop && std::chrono::duration<double>(Clock::now() - sh.start).count() >
                              opts.time_limit_s))) {
          sh.stop = true;
          break;
        }
        subs[i].root = w.root_bound(subs[i]);
      }
    });
  }
  res.stats.subproblems = static_cast<std::int64_t>(subs.size());
  const bool roots_cut = sh.stop; // some roots kept the floor
  std::stable_sort(subs.begin(), subs.end(),
                   [](const Sub &a, const Sub &b) { return a.root < b.root; });

  double best = opts.beat;
  bool have = false; // best_mapping holds a mapping (best < beat)
  sh.have_incumbent = best < kInf;
  Mapping best_mapping;
  // A first incumbent: seeded random sampling, each restart's best polished by hill climbing
  // (search_random.h). Random samples alone are poor on deep hierarchies; the climbs are cheap
  // and give the bounds something to cut against from the first node on. Restarts are
  // independent and merged in seed order, so the result does not depend on the thread count.
  // A caller's `beat` already is an incumbent (padding.cpp: the best of the variants before),
  // so this is skipped then.
  if (!have_incumbent_given(opts)) {
    RandomSearchOptions ro;
    ro.objective = opts.objective;
    ro.mode = opts.mode;
    ro.space = opts.space;
    // Many short samplings beat a few long ones here: the climb does the polishing, and each
    // start is another basin (measured on ResNet-50 / Eyeriss-like: 128 starts of patience 50
    // gave better incumbents than 32 of 500 in about the same time). More starts for spaces
    // of many (spatial, keep) choices; tiny spaces need few. One start per 256 subproblems:
    // once the subproblems were deduplicated (space.h), the whole ResNet-50 run was 0.4 s
    // faster than with one per 128 (the proofs lost less than the climbs cost), and as fast
    // as one per 512.
    ro.patience = 50;
    ro.stop = opts.stop;
    const std::size_t restarts = std::clamp<std::size_t>(subs.size() / 256, 8, 128);
    std::vector<std::pair<std::size_t, std::size_t>> preferred;
    for (std::size_t i = 0; i < subs.size() && i < restarts / 2; ++i) {
      preferred.emplace_back(subs[i].spatial, subs[i].keep);
    }
    const auto starts = incumbent_starts(
        problem, arch, ro, sh.spatial, sh.keeps, preferred, restarts, nthreads, [&] {
          return opts.stop.stop_requested() ||
                 (opts.time_limit_s > 0 &&
                  std::chrono::duration<double>(Clock::now() - sh.start).count() >
                      opts.time_limit_s);
        });
    for (const IncumbentStart &st : starts) {
      res.stats.evaluations += st.random.valid + st.local.evaluations;
      if (!st.random.found) {
        break; // nothing valid in 20,000 samples (or not run: time limit): leave it to the search
      }
      // The climb does not know `admit`; fall back to the sample when it rejects the climb.
      for (const auto &[value, mapping] : {std::pair{st.local.objective, &st.local.mapping},
                                           std::pair{st.random.objective, &st.random.mapping}}) {
        if (value < best && (!opts.admit || opts.admit(*mapping))) {
          best = value;
          best_mapping = *mapping;
          have = true;
          sh.have_incumbent = true;
          break;
        }
        if (!opts.admit || opts.admit(*mapping)) {
          break; // admitted, not better: the sample (no better than the climb) is not either
        }
      }
    }
  }
  // No mapping from the starts (a space where random samples rarely fit): the branch and
  // bound finds the first one, and the budget stops it then. The floors it meets are bounds,
  // so a search it finishes is still exact.
  if (!have && !have_incumbent_given(opts) && !opts.stop.stop_requested()) {
    sh.stop = false;
  }
  std::size_t pos = 0; // next subproblem to search
  // Resuming: the subproblems below the earlier run's lower bound are finished (search.h).
  // The earlier run's root bound of a subproblem was its real one or objective_floor, never
  // more, so real bounds below `resume_below` are finished ones; bounds left at the floor by
  // this run's own time limit are not known to be real, so then nothing is skipped.
  if (opts.resume_below > 0 && have_incumbent_given(opts) && !roots_cut) {
    while (pos < subs.size() && subs[pos].root < opts.resume_below) {
      ++pos;
    }
  }
  std::size_t batch_begin = 0, batch_end = 0;
  std::vector<Worker::Outcome> outcomes(kBatch);
  std::atomic<std::size_t> next{0};
  bool done = false;
  double lower = kInf; // smallest root bound among subproblems not finished
  auto last_progress = Clock::now();

  auto plan_batch = [&] {
    batch_begin = pos;
    batch_end = pos;
    while (batch_end < subs.size() && batch_end - batch_begin < kBatch &&
           !cannot_beat(subs[batch_end].root, best)) {
      ++batch_end;
    }
    pos = batch_end;
    next = batch_begin;
    if (batch_begin == batch_end || sh.stop) {
      done = true;
    }
  };
  auto finish_batch = [&]() noexcept {
    for (std::size_t i = batch_begin; i < batch_end; ++i) {
      auto &o = outcomes[i - batch_begin];
      add(res.stats, o.stats);
      if (!o.finished) {
        lower = std::min(lower, subs[i].root);
      }
      if (o.found && o.value < best) {
        best = o.value;
        best_mapping = std::move(o.mapping);
        have = true;
      }
    }
    if (opts.progress) {
      const auto now = Clock::now();
      if (std::chrono::duration<double>(now - last_progress).count() >= 0.2) {
        last_progress = now;
        SearchProgress p;
        p.stats = res.stats;
        p.stats.seconds = std::chrono::duration<double>(now - sh.start).count();
        p.best = have ? best : 0;
        p.found = have;
        p.lower_bound = pos < subs.size() ? std::min(lower, subs[pos].root) : std::min(lower, best);
        try {
          opts.progress(p);
        } catch (...) {
        }
      }
    }
    plan_batch();
  };

  plan_batch();
  if (!done) {
    std::barrier sync(nthreads, finish_batch);
    auto body = [&](int tid) {
      Worker &w = *workers[static_cast<std::size_t>(tid)];
      while (!done) {
        const double incumbent = best;
        for (std::size_t i = next++; i < batch_end; i = next++) {
          outcomes[i - batch_begin] = w.run(subs[i], incumbent);
        }
        sync.arrive_and_wait();
      }
    };
    std::vector<std::thread> pool;
    for (int t = 1; t < nthreads; ++t) {
      pool.emplace_back(body, t);
    }
    body(0);
    for (auto &th : pool) {
      th.join();
    }
  }
  // Everything not searched because of the time limit keeps its root bound; the rest was cut
  // at its root (a time limit must not count what it skipped as pruned).
  for (std::size_t i = pos; i < subs.size(); ++i) {
    if (!cannot_beat(subs[i].root, best)) {
      lower = std::min(lower, subs[i].root);
    } else {
      ++res.stats.subproblems_pruned;
    }
  }
  res.stats.seconds = std::chrono::duration<double>(Clock::now() - sh.start).count();
  res.bounds = problem.bounds;
  res.interrupted = sh.stop && opts.stop.interrupted();
  if (have) {
    res.found = true;
    res.mapping = best_mapping;
    res.evaluation = evaluate(problem, arch, best_mapping, opts.mode);
    res.objective = best;
    res.lower_bound = std::min(lower, best);
    res.optimal = !sh.stop && lower >= best;
    if (res.optimal) {
      res.lower_bound = best;
    }
    res.gap = best > 0 ? (best - res.lower_bound) / best : 0;
  } else {
    // Proven (when not stopped): nothing in the space fits, or nothing beats opts.beat.
    res.lower_bound = std::min(lower, opts.beat);
    res.lower_bound = res.lower_bound < kInf ? res.lower_bound : 0;
    res.optimal = !sh.stop;
  }
  return res;
}

std::int64_t arch_on_chip_words(const Arch &arch) {
  std::int64_t words = 0;
  for (int l = 0; l + 1 < static_cast<int>(arch.levels.size()); ++l) {
    words += arch.levels[static_cast<std::size_t>(l)].size_words * arch.instances(l);
  }
  return words;
}

double single_buffer_traffic_bound(const Problem &problem, std::int64_t buffer_words,
                                   double time_limit_s, const StopToken &stop) {
  // Energy = 1 pJ per backing-store read or update, nothing else: the energy is the traffic.
  Arch a;
  a.name = "single_buffer";
  Level buf, store;
  buf.name = "Buffer";
  buf.size_words = std::max<std::int64_t>(1, buffer_words);
  store.name = "Backing";
  store.kind = MemKind::DRAM;
  store.read_energy_pj = store.update_energy_pj = 1;
  a.levels = {buf, store};
  SearchOptions o;
  o.mode = Mode::Timeloop;
  o.space.bypass = false;
  o.time_limit_s = time_limit_s;
  o.stop = stop;
  const SearchResult r = search(problem, a, o);
  return r.found ? (r.optimal ? r.objective : r.lower_bound) : 0.0;
}

} // namespace hcl::sched
