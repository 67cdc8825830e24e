#include <flows/flow_dataflow.h>
#include <flows/nest_lower.h>

#include <scheduler/network/network_schedule.h>
#include <scheduler/search/allocate.h>
#include <scheduler/search/explore.h>

#include <fmt/core.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <limits>
#include <map>
#include <stdexcept>

namespace hcl::flows {

const std::vector<std::string> &template_dataflows() { return nest_dataflows(); }

namespace {

std::string joined(const std::vector<std::string> &v) {
  std::string s;
  for (const auto &x : v) {
    s += (s.empty() ? "" : ", ") + x;
  }
  return s;
}

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return s;
}

} // namespace

std::string canonical_dataflow(const std::string &text) {
  static const std::map<std::string, std::string> names = {
      {"N", "N"},  {"C", "C"},  {"K", "K"},  {"P", "P"},  {"Q", "Q"},  {"R", "R"},
      {"S", "S"},  {"G", "G"},  {"IC", "C"}, {"OC", "K"}, {"ON", "N"}, {"OX", "Q"},
      {"OY", "P"}, {"FX", "S"}, {"FY", "R"}, {"X", "Q"},  {"Y", "P"}};
  std::string out, part;
  int parts = 0;
  const auto flush = [&] {
    const auto it = names.find(upper(part));
    if (it == names.end()) {
      throw std::invalid_argument(fmt::format(
          "--dataflow '{}': '{}' is not a loop; write the loops on the array's rows and "
          "columns as X|Y in the scheduler's names N, C, K, P, Q, R, S, G (or Interstellar's "
          "IC, OC, ON, OX, OY, FX, FY, X, Y), e.g. C|K or FY|Y",
          text, part));
    }
    out += (parts++ ? "|" : "") + it->second;
    part.clear();
  };
  for (const char ch : text) {
    if (ch == '|') {
      flush();
    } else {
      part += ch;
    }
  }
  flush();
  return out;
}

std::vector<std::string> study_dataflows() {
  std::vector<std::string> d = sched::default_dataflows();
  for (const auto &t : template_dataflows()) {
    if (std::find(d.begin(), d.end(), t) == d.end()) {
      d.push_back(t);
    }
  }
  return d;
}

namespace {

// The dataflow's dimension indices, the same in every layer (one SearchOptions serves them all).
std::vector<int> network_dims(const sched::Network &net, const std::string &dataflow) {
  std::vector<int> dims;
  for (std::size_t l = 0; l < net.layers.size(); ++l) {
    const std::vector<int> d = sched::dataflow_dims(net.layers[l].problem, dataflow);
    if (l > 0 && d != dims) {
      throw std::invalid_argument(fmt::format(
          "dataflow {}: its loops are at other positions in layer '{}' than in layer '{}'; the "
          "study needs one loop order for every layer (conv / FC layers)",
          dataflow, net.layers[l].problem.name, net.layers.front().problem.name));
    }
    dims = d;
  }
  return dims;
}

// A layer with no mapping that places A on X and B on Y is searched again with only A and B
// unrollable; a layer that reuses another's result takes the re-searched one.
void search_unplaced(sched::NetworkSchedule &ns, const sched::Arch &arch, sched::SearchOptions so,
                     const std::vector<int> &dims, std::vector<std::string> &relaxed) {
  so.space.dataflow_x = so.space.dataflow_y = -1;
  so.space.unroll_dims = dims;
  for (std::size_t i = 0; i < ns.layers.size(); ++i) {
    auto &l = ns.layers[i];
    if (l.result.found) {
      continue;
    }
    relaxed.push_back(l.name);
    for (std::size_t j = 0; j < i && !l.same_as.empty(); ++j) {
      if (ns.layers[j].name == l.same_as) {
        l.result = ns.layers[j].result;
      }
    }
    if (l.same_as.empty()) {
      l.result = sched::search(l.problem, arch, so);
    }
  }
}

DataflowCandidate study_one(const sched::Network &net, const sched::Arch &arch,
                            const std::string &dataflow, sched::SearchOptions so) {
  const auto t0 = std::chrono::steady_clock::now();
  DataflowCandidate c;
  c.name = dataflow;
  const auto &ok = template_dataflows();
  c.runs = std::find(ok.begin(), ok.end(), dataflow) != ok.end();
  const std::vector<int> dims = network_dims(net, dataflow);
  if (dims.size() == 2) {
    so.space.dataflow_x = dims[0];
    so.space.dataflow_y = dims[1];
  } else {
    so.space.unroll_dims = dims;
  }
  sched::NetworkSchedule ns = sched::schedule_network(net, arch, so);
  search_unplaced(ns, arch, so, dims, c.relaxed);
  sched::sum_totals(ns);
  c.all_found = ns.all_found;
  c.all_optimal = ns.all_optimal;
  c.energy_pj = ns.total_energy_pj;
  c.cycles = ns.total_cycles;
  c.objective = c.all_found ? sched::network_objective(ns, so.objective)
                            : std::numeric_limits<double>::infinity();
  c.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return c;
}

} // namespace

std::vector<DataflowCandidate>
compare_dataflows(const sched::Network &network, const sched::Arch &arch,
                  const std::vector<std::string> &dataflows, const sched::SearchOptions &options,
                  const std::function<void(const DataflowCandidate &)> &on_candidate) {
  for (const auto &d : dataflows) {
    (void)network_dims(network, d); // a bad dataflow fails before any search
  }
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<DataflowCandidate> out;
  for (std::size_t n = 0; n < dataflows.size() && !options.stop.interrupted(); ++n) {
    sched::SearchOptions so = options;
    if (options.time_limit_s > 0) {
      const double used =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      so.time_limit_s =
          std::max(1e-3, (options.time_limit_s - used) / static_cast<double>(dataflows.size() - n));
      so.stop = options.stop.within(so.time_limit_s);
    }
    out.push_back(study_one(network, arch, dataflows[n], so));
    if (on_candidate) {
      on_candidate(out.back());
    }
  }
  return out;
}

namespace {

std::string runners_up(const std::vector<DataflowCandidate> &study, const DataflowCandidate &best) {
  std::string s;
  for (const auto &c : study) {
    if (c.name == best.name) {
      continue;
    }
    s += (s.empty() ? "" : ", ") +
         (c.all_found ? fmt::format("{} {:+.1f}%", c.name, 100 * (c.objective / best.objective - 1))
                      : fmt::format("{} (not every layer mapped)", c.name));
  }
  return s;
}

FlowDataflow choose_from_study(const std::vector<DataflowCandidate> &study) {
  const DataflowCandidate *best = nullptr, *best_any = nullptr;
  for (const auto &c : study) {
    if (!c.all_found) {
      continue;
    }
    if (!best_any || c.objective < best_any->objective) {
      best_any = &c;
    }
    if (c.runs && (!best || c.objective < best->objective)) {
      best = &c;
    }
  }
  const auto &ok = template_dataflows();
  if (!best) {
    return {ok.front(), fmt::format("--dataflow auto: no dataflow the template runs ({}) mapped "
                                    "every layer in the study; {} is the template's",
                                    joined(ok), ok.front())};
  }
  std::string why = fmt::format("--dataflow auto: {} has the best network objective of the "
                                "dataflows the template runs ({}) in the model's study",
                                best->name, joined(ok));
  if (const std::string r = runners_up(study, *best); !r.empty()) {
    why += "; runners-up: " + r;
  }
  if (best_any != best) {
    why += fmt::format("; {} would be {:.1f}% better, but the template does not run it yet",
                       best_any->name, 100 * (1 - best_any->objective / best->objective));
  }
  return {best->name, why};
}

} // namespace

FlowDataflow choose_dataflow(const std::string &requested,
                             const std::vector<DataflowCandidate> &study) {
  const auto &ok = template_dataflows();
  if (requested == "auto") {
    if (!study.empty()) {
      return choose_from_study(study);
    }
    return {ok.front(), fmt::format("--dataflow auto without a study: {}, the template's first "
                                    "dataflow",
                                    ok.front())};
  }
  const std::string d = canonical_dataflow(requested);
  if (std::find(ok.begin(), ok.end(), d) == ok.end()) {
    throw std::invalid_argument(fmt::format(
        "--dataflow '{}' ({}): the accelerator template does not run this dataflow yet; it "
        "runs {} (auto chooses among them); `hcl explore dataflows` compares others in the "
        "model",
        requested, d, joined(ok)));
  }
  return {d, fmt::format("--dataflow {}", requested)};
}

} // namespace hcl::flows
