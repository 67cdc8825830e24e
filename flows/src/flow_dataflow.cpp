#include <flows/flow_dataflow.h>

#include <fmt/core.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <stdexcept>

namespace hcl::flows {

const std::vector<std::string> &template_dataflows() {
  static const std::vector<std::string> d = {"C|K"};
  return d;
}

namespace {

std::string joined(const std::vector<std::string> &v) {
  std::string s;
  for (const auto &x : v)
    s += (s.empty() ? "" : ", ") + x;
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
    if (it == names.end())
      throw std::invalid_argument(fmt::format(
          "--dataflow '{}': '{}' is not a loop; write the loops on the array's rows and "
          "columns as X|Y in the scheduler's names N, C, K, P, Q, R, S, G (or Interstellar's "
          "IC, OC, ON, OX, OY, FX, FY, X, Y), e.g. C|K or FY|Y",
          text, part));
    out += (parts++ ? "|" : "") + it->second;
    part.clear();
  };
  for (const char ch : text) {
    if (ch == '|')
      flush();
    else
      part += ch;
  }
  flush();
  return out;
}

FlowDataflow choose_dataflow(const std::string &requested) {
  const auto &ok = template_dataflows();
  if (requested == "auto")
    return {ok.front(), ok.size() == 1
                            ? fmt::format("--dataflow auto: {} is the only dataflow the "
                                          "accelerator template runs",
                                          ok.front())
                            : "--dataflow auto"};
  const std::string d = canonical_dataflow(requested);
  if (std::find(ok.begin(), ok.end(), d) == ok.end())
    throw std::invalid_argument(fmt::format(
        "--dataflow '{}' ({}): the accelerator template does not run this dataflow yet; it "
        "runs {} (auto chooses among them); `hcl explore dataflows` compares others in the "
        "model",
        requested, d, joined(ok)));
  return {d, fmt::format("--dataflow {}", requested)};
}

} // namespace hcl::flows
