#include <scheduler/search/search.h>

#include "search_worker.h"

#include <scheduler/model/bounds.h>
#include <scheduler/model/lower_bound.h>
#include <scheduler/search/padding.h>
#include <scheduler/search/search_random.h>

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <barrier>
#include <chrono>
#include <cmath>
#include <functional>
#include <limits>
#include <memory>
#include <stdexcept>
#include <thread>

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

using detail::Clock;
using detail::kInf;
using detail::Shared;
using detail::Sub;
using detail::Worker;

constexpr std::size_t kBatch = 32;

bool have_incumbent_given(const SearchOptions &o) {
  return o.beat < std::numeric_limits<double>::infinity();
}

void add(SearchStats &a, const SearchStats &b) {
  a.nodes += b.nodes;
  a.pruned += b.pruned;
  a.evaluations += b.evaluations;
  a.capacity_cuts += b.capacity_cuts;
}

// One run of search() over the (spatial, keep) subproblems, its steps in the order they run:
// root bounds, a first incumbent, then branch and bound in batches of subproblems, best root
// first, every worker on its own thread.
class Driver {
public:
  Driver(const Problem &problem, const Arch &arch, const SearchOptions &opts)
      : problem_(problem), arch_(arch),
        opts_(opts), sh_{problem, arch, opts, {}, {}, Clock::now(), {}}, best_(opts.beat) {}

  SearchResult run() {
    sh_.spatial = enumerate_spatial(problem_, arch_, opts_.space);
    sh_.keeps = enumerate_keeps(problem_, arch_, opts_.space);
    start_workers();
    make_subproblems();
    bound_roots();
    if (!have_incumbent_given(opts_)) {
      seed_incumbent();
    }
    // No mapping from the starts (a space where random samples rarely fit): the branch and
    // bound finds the first one, and the budget stops it then. The floors it meets are
    // bounds, so a search it finishes is still exact.
    if (!have_ && !have_incumbent_given(opts_) && !opts_.stop.stop_requested()) {
      sh_.stop = false;
    }
    skip_resumed();
    branch_and_bound();
    count_unsearched();
    return result();
  }

private:
  bool past_time_limit() const {
    return opts_.time_limit_s > 0 &&
           std::chrono::duration<double>(Clock::now() - sh_.start).count() > opts_.time_limit_s;
  }

  void start_workers() {
    nthreads_ = std::max(1, std::min<int>(opts_.threads, static_cast<int>(kBatch)));
    workers_.reserve(static_cast<std::size_t>(nthreads_));
    for (int t = 0; t < nthreads_; ++t) {
      workers_.push_back(std::make_unique<Worker>(sh_));
    }
  }

  // Runs body(worker) on every worker, each on its own thread (the first on this one).
  void on_all(const std::function<void(Worker &)> &body) {
    std::vector<std::thread> pool;
    for (std::size_t t = 1; t < workers_.size(); ++t) {
      pool.emplace_back([&, t] { body(*workers_[t]); });
    }
    body(*workers_[0]);
    for (auto &th : pool) {
      th.join();
    }
  }

  // Every (spatial, keep) pair but the spatial choices that repeat an earlier one's cost, each
  // starting at objective_floor, a bound every mapping meets.
  void make_subproblems() {
    const double floor = objective_floor(problem_, arch_, opts_.objective);
    const std::vector<bool> repeat = repeats_earlier_cost(sh_.spatial);
    subs_.reserve(sh_.spatial.size() * sh_.keeps.size());
    for (std::size_t s = 0; s < sh_.spatial.size(); ++s) {
      for (std::size_t k = 0; k < sh_.keeps.size() && !repeat[s]; ++k) {
        subs_.push_back(Sub{s, k, floor});
      }
    }
    res_.stats.subproblems = static_cast<std::int64_t>(subs_.size());
  }

  // Bounding every root can itself outlast a time limit (a padded variant with many divisors
  // has millions of subproblems; VGG-16's conv4_1 on the Eyeriss-like arch takes 0.6 s), so
  // the roots left when time is up keep their floor. Root bounds are independent: any split
  // over threads gives the same values.
  void bound_roots() {
    std::atomic<std::size_t> at{0};
    on_all([&](Worker &w) {
      for (std::size_t i = at++; i < subs_.size() && !sh_.stop; i = at++) {
        if ((i & 15) == 0 && (opts_.stop.stop_requested() || past_time_limit())) {
          sh_.stop = true;
          break;
        }
        subs_[i].root = w.root_bound(subs_[i]);
      }
    });
    roots_cut_ = sh_.stop;
    std::stable_sort(subs_.begin(), subs_.end(),
                     [](const Sub &a, const Sub &b) { return a.root < b.root; });
    sh_.have_incumbent = best_ < kInf;
  }

  // A first incumbent: seeded random sampling, each restart's best polished by hill climbing
  // (search_random.h). Random samples alone are poor on deep hierarchies; the climbs are cheap
  // and give the bounds something to cut against from the first node on. Restarts are
  // independent and merged in seed order, so the result does not depend on the thread count.
  // A caller's `beat` already is an incumbent (padding.cpp: the best of the variants before),
  // so this is skipped then.
  void seed_incumbent() {
    RandomSearchOptions ro;
    ro.objective = opts_.objective;
    ro.mode = opts_.mode;
    ro.space = opts_.space;
    // Many short samplings beat a few long ones here: the climb does the polishing, and each
    // start is another basin (measured on ResNet-50 / Eyeriss-like: 128 starts of patience 50
    // gave better incumbents than 32 of 500 in about the same time). More starts for spaces
    // of many (spatial, keep) choices; tiny spaces need few. One start per 256 subproblems:
    // once the subproblems were deduplicated (space.h), the whole ResNet-50 run was 0.4 s
    // faster than with one per 128 (the proofs lost less than the climbs cost), and as fast
    // as one per 512.
    ro.patience = 50;
    ro.stop = opts_.stop;
    const std::size_t restarts = std::clamp<std::size_t>(subs_.size() / 256, 8, 128);
    std::vector<std::pair<std::size_t, std::size_t>> preferred;
    for (std::size_t i = 0; i < subs_.size() && i < restarts / 2; ++i) {
      preferred.emplace_back(subs_[i].spatial, subs_[i].keep);
    }
    const auto starts = incumbent_starts(
        problem_, arch_, ro, sh_.spatial, sh_.keeps, preferred, restarts, nthreads_,
        [&] { return opts_.stop.stop_requested() || past_time_limit(); });
    for (const IncumbentStart &st : starts) {
      res_.stats.evaluations += st.random.valid + st.local.evaluations;
      if (!st.random.found) {
        break; // nothing valid in 20,000 samples (or not run: time limit): leave it to the search
      }
      take_start(st);
    }
  }

  // The climb does not know `admit`; fall back to the sample when it rejects the climb.
  void take_start(const IncumbentStart &st) {
    for (const auto &[value, mapping] : {std::pair{st.local.objective, &st.local.mapping},
                                         std::pair{st.random.objective, &st.random.mapping}}) {
      const bool admitted = !opts_.admit || opts_.admit(*mapping);
      if (value < best_ && admitted) {
        best_ = value;
        best_mapping_ = *mapping;
        have_ = true;
        sh_.have_incumbent = true;
        return;
      }
      if (admitted) {
        return; // admitted, not better: the sample (no better than the climb) is not either
      }
    }
  }

  // Resuming: the subproblems below the earlier run's lower bound are finished (search.h).
  // The earlier run's root bound of a subproblem was its real one or objective_floor, never
  // more, so real bounds below `resume_below` are finished ones; bounds left at the floor by
  // this run's own time limit are not known to be real, so then nothing is skipped.
  void skip_resumed() {
    if (opts_.resume_below > 0 && have_incumbent_given(opts_) && !roots_cut_) {
      while (pos_ < subs_.size() && subs_[pos_].root < opts_.resume_below) {
        ++pos_;
      }
    }
  }

  void branch_and_bound() {
    outcomes_.resize(kBatch);
    last_progress_ = Clock::now();
    plan_batch();
    if (done_) {
      return;
    }
    std::barrier sync(nthreads_, [this]() noexcept { finish_batch(); });
    auto body = [&](int tid) {
      Worker &w = *workers_[static_cast<std::size_t>(tid)];
      while (!done_) {
        const double incumbent = best_;
        for (std::size_t i = next_++; i < batch_end_; i = next_++) {
          outcomes_[i - batch_begin_] = w.run(subs_[i], incumbent);
        }
        sync.arrive_and_wait();
      }
    };
    std::vector<std::thread> pool;
    for (int t = 1; t < nthreads_; ++t) {
      pool.emplace_back(body, t);
    }
    body(0);
    for (auto &th : pool) {
      th.join();
    }
  }

  // The next subproblems whose root bound may still beat the incumbent, up to kBatch.
  void plan_batch() {
    batch_begin_ = pos_;
    batch_end_ = pos_;
    while (batch_end_ < subs_.size() && batch_end_ - batch_begin_ < kBatch &&
           !cannot_beat(subs_[batch_end_].root, best_)) {
      ++batch_end_;
    }
    pos_ = batch_end_;
    next_ = batch_begin_;
    if (batch_begin_ == batch_end_ || sh_.stop) {
      done_ = true;
    }
  }

  // Runs on one thread while the others wait at the barrier.
  void finish_batch() noexcept {
    for (std::size_t i = batch_begin_; i < batch_end_; ++i) {
      auto &o = outcomes_[i - batch_begin_];
      add(res_.stats, o.stats);
      if (!o.finished) {
        lower_ = std::min(lower_, subs_[i].root);
      }
      if (o.found && o.value < best_) {
        best_ = o.value;
        best_mapping_ = std::move(o.mapping);
        have_ = true;
      }
    }
    report_progress();
    plan_batch();
  }

  void report_progress() noexcept {
    const auto now = Clock::now();
    if (!opts_.progress || std::chrono::duration<double>(now - last_progress_).count() < 0.2) {
      return;
    }
    last_progress_ = now;
    SearchProgress p;
    p.stats = res_.stats;
    p.stats.seconds = std::chrono::duration<double>(now - sh_.start).count();
    p.best = have_ ? best_ : 0;
    p.found = have_;
    p.lower_bound =
        pos_ < subs_.size() ? std::min(lower_, subs_[pos_].root) : std::min(lower_, best_);
    try {
      opts_.progress(p);
    } catch (...) {
    }
  }

  // Everything not searched because of the time limit keeps its root bound; the rest was cut
  // at its root (a time limit must not count what it skipped as pruned).
  void count_unsearched() {
    for (std::size_t i = pos_; i < subs_.size(); ++i) {
      if (!cannot_beat(subs_[i].root, best_)) {
        lower_ = std::min(lower_, subs_[i].root);
      } else {
        ++res_.stats.subproblems_pruned;
      }
    }
  }

  SearchResult result() {
    SearchResult &res = res_;
    res.stats.seconds = std::chrono::duration<double>(Clock::now() - sh_.start).count();
    res.bounds = problem_.bounds;
    res.interrupted = sh_.stop && opts_.stop.interrupted();
    if (!have_) {
      // Proven (when not stopped): nothing in the space fits, or nothing beats opts.beat.
      res.lower_bound = std::min(lower_, opts_.beat);
      res.lower_bound = res.lower_bound < kInf ? res.lower_bound : 0;
      res.optimal = !sh_.stop;
      return res;
    }
    res.found = true;
    res.mapping = best_mapping_;
    res.evaluation = evaluate(problem_, arch_, best_mapping_, opts_.mode);
    res.objective = best_;
    res.lower_bound = std::min(lower_, best_);
    res.optimal = !sh_.stop && lower_ >= best_;
    if (res.optimal) {
      res.lower_bound = best_;
    }
    res.gap = best_ > 0 ? (best_ - res.lower_bound) / best_ : 0;
    return res;
  }

  const Problem &problem_;
  const Arch &arch_;
  const SearchOptions &opts_;
  Shared sh_;
  int nthreads_ = 1;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::vector<Sub> subs_;
  SearchResult res_;
  bool roots_cut_ = false; // some roots kept the floor
  double best_;
  bool have_ = false; // best_mapping_ holds a mapping (best_ < beat)
  Mapping best_mapping_;
  std::size_t pos_ = 0; // next subproblem to search
  std::size_t batch_begin_ = 0, batch_end_ = 0;
  std::vector<Worker::Outcome> outcomes_;
  std::atomic<std::size_t> next_{0};
  bool done_ = false;
  double lower_ = kInf; // smallest root bound among subproblems not finished
  Clock::time_point last_progress_;
};

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
  return Driver(problem, arch, opts).run();
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
