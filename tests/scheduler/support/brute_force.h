// A loop-by-loop reference simulator of the counting rules of docs/cost-model.md,
// written independently of scheduler/src/model/model.cpp: it walks every step of the loop
// nest, materializes each tile as a set of tensor elements, and counts words by set
// differences and unions. Only for tiny problems (it is exponential in nothing, but
// enumerates every MAC). Used by the property tests in model.cpp.
//
// Rules it implements (per instance 0 of each level; instances are symmetric):
// - a tile identical to the previous one moves nothing;
// - a step of the innermost non-trivial temporal loop above the level, when it is relevant to
//   the tensor, brings the set difference (halo reuse: Timeloop keeps the previous tile while
//   the translation repeats, and an irrelevant step in between breaks that); any other step
//   that changes the tile brings the whole tile;
// - partial-sum words never seen before by this instance are not filled (first-fill elision);
//   words leaving the tile are written back to the parent (updates);
// - children under one parent that fetch/write the same words at the same step share one
//   parent access (multicast / spatial reduction);
// - MACs read every operand every step unless the innermost loop is spatial, in which case
//   each MAC latches its last operand.
// Without halo credit (hcl mode, `halo` false) a step of that innermost relevant loop brings
// the whole tile like any other. machine_cycles() runs hcl mode's sequential tile machine
// over the same walk: it counts the steps at which some on-chip tile changes (events), and per
// on-chip keeper the tiles filled (not all first touches) and written back, each moving the
// union of the tiles of the keeper's instances under one parent instance.
#pragma once

#include <scheduler/arch.h>
#include <scheduler/mapping.h>
#include <scheduler/problem.h>

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <vector>

namespace brute {

using namespace hcl::sched;
using Elem = std::vector<std::int64_t>;
using ESet = std::set<Elem>;

struct Counts {
  std::int64_t capacity = 0, instances = 0, reads = 0, fills = 0, updates = 0;
};

struct NestLoop {
  int level;
  int dim;
  std::int64_t factor;
  bool spatial;
  std::int64_t stride; // product of the same dim's factors inside this loop
};

class Sim {
public:
  Sim(const Problem &p, const Arch &a, const Mapping &m, bool legacy = false, bool halo = true)
      : p_(p), a_(a), m_(m), legacy_(legacy), halo_(halo) {
    const int L = static_cast<int>(a.levels.size());
    // Outermost first: level L-1 temporal (outer->inner), then its spatial, then level L-2...
    for (int j = L - 1; j >= 0; --j) {
      const auto &lm = m.levels[static_cast<std::size_t>(j)];
      for (auto it = lm.temporal.rbegin(); it != lm.temporal.rend(); ++it) {
        nest_.push_back({j, it->dim, it->factor, false, 1});
      }
      for (const auto *sp : {&lm.spatial_y, &lm.spatial_x}) {
        for (auto it = sp->rbegin(); it != sp->rend(); ++it) {
          nest_.push_back({j, it->dim, it->factor, true, 1});
        }
      }
    }
    std::vector<std::int64_t> acc(p.dim_names.size(), 1);
    for (auto it = nest_.rbegin(); it != nest_.rend(); ++it) {
      it->stride = acc[static_cast<std::size_t>(it->dim)];
      acc[static_cast<std::size_t>(it->dim)] *= it->factor;
    }
  }

  bool keeps(int level, int t) const {
    const int L = static_cast<int>(a_.levels.size());
    return level == L - 1 ||
           (a_.levels[static_cast<std::size_t>(level)].keeps[static_cast<std::size_t>(t)] &&
            m_.levels[static_cast<std::size_t>(level)].keep[static_cast<std::size_t>(t)]);
  }

  Elem coords(int t, const std::vector<std::int64_t> &point) const {
    Elem e;
    for (const auto &rank : p_.tensors[static_cast<std::size_t>(t)].projection) {
      std::int64_t v = 0;
      for (const auto &term : rank) {
        v += term.coef * point[static_cast<std::size_t>(term.dim)];
      }
      e.push_back(v);
    }
    return e;
  }

  // Elements of t touched by all loops in `inner` (indices into nest_), given fixed indices
  // of the other loops.
  ESet tile(int t, std::vector<std::int64_t> idx, const std::vector<int> &inner) const {
    ESet s;
    std::function<void(std::size_t)> rec = [&](std::size_t k) {
      if (k == inner.size()) {
        s.insert(coords(t, point(idx)));
        return;
      }
      const int l = inner[k];
      for (std::int64_t v = 0; v < nest_[static_cast<std::size_t>(l)].factor; ++v) {
        idx[static_cast<std::size_t>(l)] = v;
        rec(k + 1);
      }
    };
    rec(0);
    return s;
  }

  std::vector<std::int64_t> point(const std::vector<std::int64_t> &idx) const {
    std::vector<std::int64_t> pt(p_.dim_names.size(), 0);
    for (std::size_t k = 0; k < nest_.size(); ++k) {
      pt[static_cast<std::size_t>(nest_[k].dim)] += idx[k] * nest_[k].stride;
    }
    return pt;
  }

  struct Step {
    ESet fetched, first, written_back;
  };

  // The sequence of tiles of keeper `level` for the instance whose spatial indices are `fixed`
  // (indices for nest loops; temporal entries ignored).
  std::vector<Step> sequence(int t, int level, const std::vector<std::int64_t> &fixed,
                             ESet *seen_out = nullptr, ESet *first_tile = nullptr) const {
    std::vector<int> above, inner;
    for (int k = 0; k < static_cast<int>(nest_.size()); ++k) {
      const auto &l = nest_[static_cast<std::size_t>(k)];
      if (l.level > level && !l.spatial) {
        above.push_back(k);
      } else if (l.level <= level) {
        inner.push_back(k);
      }
    }
    int slide = -1; // the innermost non-trivial temporal loop above, when it is relevant
    for (auto it = above.rbegin(); it != above.rend(); ++it) {
      const auto &l = nest_[static_cast<std::size_t>(*it)];
      if (l.factor > 1) {
        slide = p_.relevant(t, l.dim) ? *it : -1;
        break;
      }
    }
    const bool rw = p_.tensors[static_cast<std::size_t>(t)].read_write;
    std::vector<Step> steps;
    std::vector<std::int64_t> idx = fixed;
    for (int k : above) {
      idx[static_cast<std::size_t>(k)] = 0;
    }
    ESet prev, seen;
    bool first_step = true;
    while (true) {
      ESet cur = tile(t, idx, inner);
      Step st;
      if (first_step) {
        st.fetched = cur;
        if (first_tile) {
          *first_tile = cur;
        }
      } else {
        // Which loop stepped: the innermost one whose index is not 0 after an increment. The
        // tile is stationary when that loop and every loop it wrapped are irrelevant (a
        // coincidentally equal tile after a wrap still counts as a refetch, as in Timeloop).
        int stepped = -1;
        bool stationary = true;
        for (auto it = above.rbegin(); it != above.rend(); ++it) {
          const auto &l = nest_[static_cast<std::size_t>(*it)];
          if (l.factor > 1 && p_.relevant(t, l.dim)) {
            stationary = false;
          }
          if (idx[static_cast<std::size_t>(*it)] != 0) {
            stepped = *it;
            break;
          }
        }
        if (stationary) {
          // nothing moves
        } else if (stepped == slide && halo_) {
          for (const auto &e : cur) {
            if (!prev.count(e)) {
              st.fetched.insert(e);
            }
          }
          for (const auto &e : prev) {
            if (!cur.count(e)) {
              st.written_back.insert(e);
            }
          }
        } else {
          st.fetched = cur;
          st.written_back = prev;
        }
      }
      if (rw) {
        for (const auto &e : st.fetched) {
          if (!seen.count(e)) {
            st.first.insert(e);
          }
        }
        seen.insert(st.fetched.begin(), st.fetched.end());
      }
      if (!rw) {
        st.written_back.clear();
      }
      steps.push_back(std::move(st));
      first_step = false;
      prev = cur;
      // odometer over `above`, innermost fastest
      int k = static_cast<int>(above.size()) - 1;
      for (; k >= 0; --k) {
        auto &v = idx[static_cast<std::size_t>(above[static_cast<std::size_t>(k)])];
        if (++v < nest_[static_cast<std::size_t>(above[static_cast<std::size_t>(k)])].factor) {
          break;
        }
        v = 0;
      }
      if (k < 0) {
        break;
      }
    }
    if (rw) {
      Step last;
      last.written_back = prev;
      steps.push_back(std::move(last));
    }
    if (seen_out) {
      *seen_out = seen;
    }
    return steps;
  }

  // Enumerates assignments of the spatial loops with level in (lo, hi] (others 0).
  std::vector<std::vector<std::int64_t>> spatial_assignments(int lo, int hi) const {
    std::vector<std::vector<std::int64_t>> out{std::vector<std::int64_t>(nest_.size(), 0)};
    for (std::size_t k = 0; k < nest_.size(); ++k) {
      const auto &l = nest_[k];
      if (!l.spatial || l.level <= lo || l.level > hi) {
        continue;
      }
      std::vector<std::vector<std::int64_t>> next;
      for (const auto &o : out) {
        for (std::int64_t v = 0; v < l.factor; ++v) {
          auto c = o;
          c[k] = v;
          next.push_back(c);
        }
      }
      out = next;
    }
    return out;
  }

  std::int64_t spatial_above(int level) const {
    std::int64_t n = 1;
    for (const auto &l : nest_) {
      if (l.spatial && l.level > level) {
        n *= l.factor;
      }
    }
    return n;
  }

  // The MACs below keeper k0 (instance 0): reads and updates it serves.
  void mac_traffic(int t, int k0, Counts &c) const {
    std::vector<int> time, units;
    bool latch = false;
    for (int k = 0; k < static_cast<int>(nest_.size()); ++k) {
      const auto &l = nest_[static_cast<std::size_t>(k)];
      if (!l.spatial) {
        time.push_back(k);
      } else if (l.level <= k0) {
        units.push_back(k);
        if (l.level == 0 && l.factor > 1) {
          latch = true;
        }
      }
    }
    const bool rw = p_.tensors[static_cast<std::size_t>(t)].read_write;
    std::vector<std::int64_t> idx(nest_.size(), 0);
    std::map<std::vector<std::int64_t>, Elem> latched; // unit -> element
    ESet seen;
    auto unit_ids = [&]() {
      std::vector<std::vector<std::int64_t>> out{{}};
      for (int k : units) {
        std::vector<std::vector<std::int64_t>> next;
        for (const auto &o : out) {
          for (std::int64_t v = 0; v < nest_[static_cast<std::size_t>(k)].factor; ++v) {
            auto cc = o;
            cc.push_back(v);
            next.push_back(cc);
          }
        }
        out = next;
      }
      return out;
    }();
    bool hold_step = false; // the step moved only loops irrelevant to t
    while (true) {
      ESet reads, updates;
      for (const auto &u : unit_ids) {
        for (std::size_t q = 0; q < units.size(); ++q) {
          idx[static_cast<std::size_t>(units[q])] = u[q];
        }
        const Elem e = coords(t, point(idx));
        auto it = latched.find(u);
        if (latch && hold_step) {
          continue;
        }
        if (rw) {
          if (latch && it != latched.end()) {
            updates.insert(it->second);
          } else if (!latch) {
            updates.insert(e);
          }
          if (seen.count(e)) {
            reads.insert(e);
          }
        } else {
          reads.insert(e);
        }
        latched[u] = e;
      }
      if (rw) {
        for (const auto &u : unit_ids) {
          seen.insert(latched[u]);
        }
      }
      c.reads += static_cast<std::int64_t>(reads.size());
      c.updates += static_cast<std::int64_t>(updates.size());
      int k = static_cast<int>(time.size()) - 1;
      hold_step = true;
      for (; k >= 0; --k) {
        const auto &l = nest_[static_cast<std::size_t>(time[static_cast<std::size_t>(k)])];
        if (l.factor > 1 && p_.relevant(t, l.dim)) {
          hold_step = false;
        }
        auto &v = idx[static_cast<std::size_t>(time[static_cast<std::size_t>(k)])];
        if (++v < l.factor) {
          break;
        }
        v = 0;
      }
      if (k < 0) {
        break;
      }
    }
    if (rw && latch) {
      ESet last;
      for (const auto &kv : latched) {
        last.insert(kv.second);
      }
      c.updates += static_cast<std::int64_t>(last.size());
    }
  }

  std::vector<std::array<std::optional<Counts>, kMaxTensors>> run() const {
    const int L = static_cast<int>(a_.levels.size());
    std::vector<std::array<std::optional<Counts>, kMaxTensors>> out(static_cast<std::size_t>(L));
    for (int t = 0; t < static_cast<int>(p_.tensors.size()); ++t) {
      const bool rw = p_.tensors[static_cast<std::size_t>(t)].read_write;
      int child = -1;
      for (int i = 0; i < L; ++i) {
        if (!keeps(i, t)) {
          continue;
        }
        Counts c;
        c.instances = spatial_above(i);
        ESet first_tile;
        const auto own =
            sequence(t, i, std::vector<std::int64_t>(nest_.size(), 0), nullptr, &first_tile);
        c.capacity = static_cast<std::int64_t>(first_tile.size());
        if (i < L - 1) {
          for (const auto &st : own) {
            c.fills += static_cast<std::int64_t>(st.fetched.size());
            if (!legacy_) {
              c.fills -= static_cast<std::int64_t>(st.first.size());
            }
          }
        }
        if (child < 0) {
          mac_traffic(t, i, c);
        } else {
          std::vector<std::vector<Step>> kids;
          for (const auto &fixed : spatial_assignments(child, i)) {
            kids.push_back(sequence(t, child, fixed));
          }
          for (std::size_t s = 0; s < kids[0].size(); ++s) {
            ESet rd, up;
            for (const auto &k : kids) {
              for (const auto &e : k[s].fetched) {
                if (!k[s].first.count(e)) {
                  rd.insert(e);
                }
              }
              up.insert(k[s].written_back.begin(), k[s].written_back.end());
            }
            c.reads += static_cast<std::int64_t>(rd.size());
            if (rw) {
              c.updates += static_cast<std::int64_t>(up.size());
            }
          }
        }
        out[static_cast<std::size_t>(i)][static_cast<std::size_t>(t)] = c;
        child = i;
      }
    }
    return out;
  }

  // Hcl mode's cycles: start + events x drain + array steps + every transfer with its tail.
  std::int64_t machine_cycles() const {
    const MachineTiming &mt = a_.machine;
    const int L = static_cast<int>(a_.levels.size());
    const int T = static_cast<int>(p_.tensors.size());
    std::vector<int> time; // temporal loops, outermost first
    for (int k = 0; k < static_cast<int>(nest_.size()); ++k) {
      if (!nest_[static_cast<std::size_t>(k)].spatial) {
        time.push_back(k);
      }
    }
    // Events: the start, and every step of the temporal nest after which some on-chip tile
    // differs (the stepped loop, or one it wrapped, lies above the keeper and is relevant).
    std::int64_t events = 1, steps = 1;
    std::vector<std::int64_t> idx(time.size(), 0);
    while (true) {
      int q = static_cast<int>(time.size()) - 1;
      for (; q >= 0; --q) {
        if (++idx[static_cast<std::size_t>(q)] <
            nest_[static_cast<std::size_t>(time[static_cast<std::size_t>(q)])].factor) {
          break;
        }
        idx[static_cast<std::size_t>(q)] = 0;
      }
      if (q < 0) {
        break;
      }
      ++steps;
      bool change = false;
      for (int c = 0; c < L - 1 && !change; ++c) {
        for (int t = 0; t < T && !change; ++t) {
          if (!keeps(c, t)) {
            continue;
          }
          for (std::size_t r = static_cast<std::size_t>(q); r < time.size(); ++r) {
            const auto &l = nest_[static_cast<std::size_t>(time[r])];
            change = change || (l.level > c && l.factor > 1 && p_.relevant(t, l.dim));
          }
        }
      }
      events += change ? 1 : 0;
    }
    std::int64_t transfers = 0;
    for (int t = 0; t < T; ++t) {
      int c = -1;
      for (int i = 0; i < L; ++i) {
        if (!keeps(i, t)) {
          continue;
        }
        if (c >= 0) { // c's transfers, from and to its parent i
          ESet moved;
          for (const auto &fixed : spatial_assignments(c, i)) {
            std::vector<int> inner;
            for (int k = 0; k < static_cast<int>(nest_.size()); ++k) {
              if (nest_[static_cast<std::size_t>(k)].level <= c) {
                inner.push_back(k);
              }
            }
            const ESet one = tile(t, fixed, inner);
            moved.insert(one.begin(), one.end());
          }
          const auto words = static_cast<std::int64_t>(moved.size());
          for (const auto &st : sequence(t, c, std::vector<std::int64_t>(nest_.size(), 0))) {
            if (st.fetched.size() > st.first.size()) {
              transfers += words + mt.fill_tail;
            }
            if (!st.written_back.empty()) {
              transfers += words + mt.writeback_tail;
            }
          }
        }
        c = i;
      }
    }
    return mt.start + events * mt.drain + steps + transfers;
  }

private:
  const Problem &p_;
  const Arch &a_;
  const Mapping &m_;
  bool legacy_;
  bool halo_;
  std::vector<NestLoop> nest_;
};

} // namespace brute
