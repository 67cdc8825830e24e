// The branch and bound of search() (search.h) on one subproblem: a (spatial, keep) choice, its
// temporal loops fixed from the backing store inwards, each partial mapping cut by
// BoundModel's bound against the incumbent. One Worker per thread; the subproblems, the
// stop flag and the incumbent's existence are shared.
#pragma once

#include <scheduler/model/banking.h>
#include <scheduler/model/lower_bound.h>
#include <scheduler/model/model.h>
#include <scheduler/search/search.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <limits>
#include <unordered_map>
#include <vector>

namespace hcl::sched::detail {

using Clock = std::chrono::steady_clock;
inline constexpr double kInf = std::numeric_limits<double>::infinity();

struct Sub {
  std::size_t spatial = 0, keep = 0;
  double root = 0; // its root bound, or objective_floor where the time limit left it
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

// The mapping with the subproblem's spatial loops and keeps, and no temporal loops.
Mapping skeleton(const Shared &sh, const Sub &s);

class Worker {
public:
  explicit Worker(Shared &sh);

  double root_bound(const Sub &s);

  struct Outcome {
    bool found = false, finished = true; // finished: not stopped by the time limit
    double value = kInf;
    Mapping mapping;
    SearchStats stats;
  };
  // The best mapping of `s` below `incumbent`, if any.
  Outcome run(const Sub &s, double incumbent);

private:
  using Dims = std::array<std::int64_t, kMaxDims>;
  using Candidates = std::array<std::vector<std::int64_t>, kMaxDims>;
  struct Child { // factors of a level that its bound does not cut
    double lb;
    Dims f;
  };
  struct Ordered { // an order of them that its bound does not cut
    double lb;
    const std::vector<int> *order;
  };

  void prepare(const Sub &s, Dims &rem);
  bool keeps(int l, int t) const;
  bool keeps_any(int l) const;
  bool fits(int l, const Dims &tile) const;
  const std::vector<std::vector<int>> &orders(int l, unsigned mask);
  bool time_up();
  void set_temporal(int l, const Dims &f, const std::vector<int> &order);
  double cutoff() const;
  const std::vector<int> &any_order_of(unsigned mask);
  const LevelConstraint *constraint(int j) const;
  void leaf();

  void dfs(int j, const Dims &rem);
  void innermost_level(const Dims &rem, const LevelConstraint *lc);
  bool candidates(int j, const Dims &rem, const LevelConstraint *lc, Candidates &cand) const;
  bool bound_factors(int j, const Dims &rem, const Candidates &cand, std::vector<Child> &kids);
  bool descend(int j, const Dims &rem, const Dims &f, std::vector<Ordered> &ords);
  bool cut_by_innermost(int j, const Dims &f, unsigned mask, std::array<bool, kMaxDims> &cut);
  bool bound_orders(int j, const Dims &f, unsigned mask, const std::array<bool, kMaxDims> &cut,
                    std::vector<Ordered> &ords);
  void stopped_at(int j);

  Shared &sh_;
  BoundModel bm_;
  Evaluator ev_;
  int L_ = 0, D_ = 0, T_ = 0;
  Mapping m_;
  std::vector<Dims> sp_;
  std::vector<Banking> banking_; // [level * T_ + tensor], from the skeleton's spatial loops
  std::vector<unsigned> tensor_below_;
  std::vector<int> any_order_;
  std::unordered_map<std::uint64_t, std::vector<std::vector<int>>> order_cache_;
  double best_ = kInf;
  Outcome out_;
  unsigned ticks_ = 0;
};

} // namespace hcl::sched::detail
