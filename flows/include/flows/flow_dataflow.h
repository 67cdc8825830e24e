// The array dataflow of `hcl flow --dataflow`: the loops unrolled on the array's rows and
// columns, "X|Y", in the scheduler's dimension names (C|K is the TPU's weight-stationary array,
// R|P Eyeriss's row-stationary FY|Y). Interstellar's names are accepted too: IC, OC, ON, OX,
// OY, FX, FY, and X, Y for the output columns and rows (FY|Y = R|P, IC|OC = C|K).
#pragma once

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

// `requested` is "auto" or a dataflow. Throws std::invalid_argument for an unknown name, and
// for a dataflow the template does not run yet, naming the ones it does.
FlowDataflow choose_dataflow(const std::string &requested);

} // namespace hcl::flows
