// The array dataflow of `hcl flow --dataflow`: the loops unrolled on the array's rows and
// columns, "X|Y", in the scheduler's dimension names (C|K is the TPU's weight-stationary array,
// R|P Eyeriss's row-stationary FY|Y). Interstellar's names are accepted too: IC, OC, ON, OX,
// OY, FX, FY, and X, Y for the output columns and rows (FY|Y = R|P, IC|OC = C|K).
#pragma once

#include <scheduler/arch.h>
#include <scheduler/network/network.h>
#include <scheduler/search/search.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace hcl::flows {

// The dataflows the schedule-driven accelerator template runs, in the scheduler's names.
const std::vector<std::string> &template_dataflows();

// "FY|Y" -> "R|P", "c|k" -> "C|K". Throws std::invalid_argument naming the bad part and the
// valid names when a part is not a dimension name.
std::string canonical_dataflow(const std::string &text);

struct FlowDataflow {
  std::string name; // canonical, one of template_dataflows()
  std::string why;  // one sentence for flow.json and the report
};

// One dataflow of the study behind `--dataflow auto`: the whole network scheduled in the model
// with that dataflow's loops unrolled (as `hcl explore dataflows` does per layer: A on every
// mesh's X axis, B on Y, other loops may join), each layer with optimal blocking, order and
// bypass. A layer the dataflow cannot place on both axes (C or K of 1 for C|K, R of 1 for R|P)
// is searched again with only A and B unrollable, and listed in `relaxed`.
struct DataflowCandidate {
  std::string name;  // canonical
  bool runs = false; // one of template_dataflows()
  bool all_found = false, all_optimal = false;
  double energy_pj = 0; // network totals: sum over layers of value x repeat
  std::int64_t cycles = 0;
  double objective = 0; // sched::network_objective of the study's objective
  std::vector<std::string> relaxed;
  double seconds = 0;
};

// The study: every dataflow in `dataflows` (canonical names) scheduled over `network` on `arch`,
// in that order, with options.time_limit_s shared among them (0 = prove every layer). Each
// candidate is reported to `on_candidate` when done. Throws std::invalid_argument when a
// dataflow's dimension is not at one position in every layer. An interrupted study (options'
// stop token) returns the candidates so far.
std::vector<DataflowCandidate>
compare_dataflows(const sched::Network &network, const sched::Arch &arch,
                  const std::vector<std::string> &dataflows, const sched::SearchOptions &options,
                  const std::function<void(const DataflowCandidate &)> &on_candidate = {});

// The candidates of `--dataflow auto`: the seed paper's four (sched::default_dataflows()) and
// every dataflow the template runs.
std::vector<std::string> study_dataflows();

// `requested` is "auto" or a dataflow. Throws std::invalid_argument for an unknown name, and
// for a dataflow the template does not run yet, naming the ones it does. With "auto" and a
// study, the choice is the study's best objective among the dataflows the template runs, and
// `why` names the runners-up, and a better one the template does not run yet, if any.
FlowDataflow choose_dataflow(const std::string &requested,
                             const std::vector<DataflowCandidate> &study = {});

} // namespace hcl::flows
