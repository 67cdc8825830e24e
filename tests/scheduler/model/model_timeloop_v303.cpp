// Timeloop mode against Timeloop v3.0.3 itself: random mappings of small 2-D convolutions run
// through `timeloop-model`, their counters kept as golden facts in
// data/timeloop_v303_random.txt (its header says how they were made). Each case is rebuilt
// here in Timeloop's own input formats and imported by the Timeloop readers, so the test
// also covers the import of what Timeloop ran.
#include <scheduler/io/timeloop_export.h>
#include <scheduler/io/timeloop_import.h>
#include <scheduler/model/model.h>

#include <catch2/catch.hpp>

#include <fmt/core.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "support/timeloop_strings.h"

using namespace hcl::sched;

namespace {

struct Count {
  std::string level, tensor;
  std::int64_t capacity, reads, fills, updates;
};

struct OracleCase {
  std::string name, instance, mapping;
  int pes = 1, levels = 3;
  std::vector<Count> counts;
  std::int64_t cycles = -1;
};

std::vector<std::string> words_of(const std::string &line) {
  std::istringstream in(line);
  std::vector<std::string> w;
  for (std::string s; in >> s;) {
    w.push_back(s);
  }
  return w;
}

// "Weights,Inputs" (or "-" for none) as a YAML flow list's items.
std::string list_of(const std::string &csv) {
  std::string out;
  for (const char ch : csv == "-" ? std::string() : csv) {
    out += ch == ',' ? std::string(", ") : std::string(1, ch);
  }
  return out;
}

// One `temporal|spatial|keep` line as a Timeloop mapping entry.
std::string mapping_entry(const std::vector<std::string> &w) {
  if (w[0] == "keep") {
    std::string bypass;
    for (const char *t : {"Weights", "Inputs", "Outputs"}) {
      if (w[2].find(t) == std::string::npos) {
        bypass += (bypass.empty() ? "" : ", ") + std::string(t);
      }
    }
    return fmt::format("  - target: {}\n    type: bypass\n    keep: [{}]\n    bypass: [{}]\n", w[1],
                       list_of(w[2]), bypass);
  }
  // Trailing `key:T,T` tokens are the directive's model switches.
  std::size_t end = w.size();
  std::string switches;
  while (w[end - 1].find(':') != std::string::npos) {
    const std::string &t = w[--end];
    const auto colon = t.find(':');
    switches += fmt::format("    {}: [{}]\n", t.substr(0, colon), list_of(t.substr(colon + 1)));
  }
  std::string factors;
  for (std::size_t i = 2; i + 1 < end; ++i) {
    factors += (factors.empty() ? "" : " ") + w[i];
  }
  return fmt::format("  - target: {}\n    type: {}\n    factors: {}\n    permutation: {}\n{}", w[1],
                     w[0], factors, w[end - 1], switches);
}

// The cases of a golden file; lines before the first `case` line belong to one unnamed case.
std::vector<OracleCase> parse_cases(const std::string &path) {
  std::ifstream in(path);
  REQUIRE(in.good());
  std::vector<OracleCase> cases(1);
  for (std::string line; std::getline(in, line);) {
    const auto w = words_of(line);
    if (w.empty() || w[0][0] == '#') {
      continue;
    }
    if (w[0] == "case") {
      cases.push_back({w[1], "", "mapping:\n", std::stoi(w[3]), std::stoi(w[5]), {}, -1});
      continue;
    }
    OracleCase &c = cases.back();
    if (w[0] == "instance") {
      for (std::size_t i = 1; i < w.size(); ++i) {
        const auto eq = w[i].find('=');
        c.instance += fmt::format("    {}: {}\n", w[i].substr(0, eq), w[i].substr(eq + 1));
      }
    } else if (w[0] == "temporal" || w[0] == "spatial" || w[0] == "keep") {
      c.mapping += mapping_entry(w);
    } else if (w[0] == "count") {
      c.counts.push_back(
          {w[1], w[2], std::stoll(w[3]), std::stoll(w[4]), std::stoll(w[5]), std::stoll(w[6])});
    } else if (w[0] == "cycles") {
      c.cycles = std::stoll(w[1]);
    } else {
      FAIL("unknown line: " << line);
    }
  }
  return cases;
}

std::vector<OracleCase> load_cases(const char *file) {
  auto cases = parse_cases(std::string(HCL_SOURCE_DIR) + "/tests/scheduler/model/data/" + file);
  cases.erase(cases.begin()); // the header
  return cases;
}

OracleCase load_counts(const std::string &path) { return parse_cases(path).front(); }

std::string problem_yaml(const OracleCase &c) {
  return R"(problem:
  shape:
    name: CNN-Layer
    dimensions: [R, S, P, Q, C, K, N]
    coefficients:
      - {name: Wstride, default: 1}
      - {name: Hstride, default: 1}
      - {name: Wdilation, default: 1}
      - {name: Hdilation, default: 1}
    data-spaces:
      - name: Weights
        projection: [[[C]], [[K]], [[R]], [[S]]]
      - name: Inputs
        projection: [[[N]], [[C]], [[R, Wdilation], [P, Wstride]], [[S, Hdilation], [Q, Hstride]]]
      - name: Outputs
        projection: [[[N]], [[K]], [[Q]], [[P]]]
        read-write: True
  instance:
)" + c.instance;
}

// MainMemory, [GLB (levels >= 4),] Buffer, and `pes` PEs with a RegFile [and a Reg0 inside it
// (levels 5)] and a MACC, in Timeloop's v0.3 tree format.
std::string arch_yaml(int pes, int levels) {
  const std::string pe = pes > 1 ? fmt::format("PE[0..{}]", pes - 1) : "PE";
  const std::string mesh = pes > 1 ? fmt::format("            meshX: {}\n", pes) : "";
  const auto buffer = [](const char *name, int depth) {
    return fmt::format("      - name: {}\n        class: SRAM\n        attributes: {{depth: {}, "
                       "width: 64, block-size: 4, word-bits: 16}}\n",
                       name, depth);
  };
  const auto per_pe = [&](const char *name, const char *cls, const char *attrs) {
    return fmt::format("        - name: {}\n          class: {}\n          attributes:\n{}{}", name,
                       cls, attrs, mesh);
  };
  const char *reg = "            depth: 4096\n            width: 16\n            block-size: 1\n"
                    "            word-bits: 16\n";
  return fmt::format(R"(architecture:
  version: 0.3
  subtree:
  - name: System
    local:
    - name: MainMemory
      class: DRAM
      attributes: {{width: 64, block-size: 4, word-bits: 16}}
    subtree:
    - name: Chip
      local:
{}{}      subtree:
      - name: {}
        local:
{}{}{})",
                     levels >= 4 ? buffer("GLB", 131072) : "", buffer("Buffer", 65536), pe,
                     per_pe("RegFile", "regfile", reg),
                     levels >= 5 ? per_pe("Reg0", "regfile", reg) : "",
                     per_pe("MACC", "intmac", "            datawidth: 16\n"));
}

// Every counter and the cycles of `e` against Timeloop's: the levels list exactly the tensors
// they keep.
void check_counts(const Problem &p, const Arch &a, const Evaluation &e,
                  const std::vector<Count> &counts, std::int64_t cycles) {
  CHECK(e.cycles == cycles);
  std::size_t kept = 0;
  for (const auto &lv : e.levels) {
    kept += static_cast<std::size_t>(std::count_if(lv.tensors.begin(), lv.tensors.end(),
                                                   [](const auto &x) { return x.has_value(); }));
  }
  CHECK(kept == counts.size());
  for (const auto &row : counts) {
    INFO(row.level << " " << row.tensor);
    const auto li = std::find_if(a.levels.begin(), a.levels.end(),
                                 [&](const Level &l) { return l.name == row.level; });
    REQUIRE(li != a.levels.end());
    const auto ti = std::find_if(p.tensors.begin(), p.tensors.end(),
                                 [&](const auto &x) { return x.name == row.tensor; });
    REQUIRE(ti != p.tensors.end());
    const auto &got = e.levels[static_cast<std::size_t>(li - a.levels.begin())]
                          .tensors[static_cast<std::size_t>(ti - p.tensors.begin())];
    REQUIRE(got.has_value());
    CHECK(got->utilized_capacity == row.capacity);
    CHECK(got->reads == row.reads);
    CHECK(got->fills == row.fills);
    CHECK(got->updates == row.updates);
  }
}

// One golden case, imported from the Timeloop inputs it stands for and checked; the import.
tl_test::Imported check_case(const OracleCase &c) {
  auto im = tl_test::import_strings(problem_yaml(c), arch_yaml(c.pes, c.levels), c.mapping);
  check_counts(im.problem, im.arch.arch,
               evaluate(im.problem, im.arch.arch, im.mapping, Mode::Timeloop), c.counts, c.cycles);
  return im;
}

} // namespace

TEST_CASE("model: Timeloop mode equals Timeloop v3.0.3 on 90 random 2-D conv mappings") {
  const auto cases = load_cases("timeloop_v303_random.txt");
  REQUIRE(cases.size() == 90);
  for (const auto &c : cases) {
    INFO("case " << c.name);
    check_case(c);
  }
}

// The published results of the exercises' example designs (tests/data/timeloop/exercises):
// before the window rule above, eyeriss_like and simple_output_stationary were off on Inputs.
TEST_CASE("model: the Timeloop example designs' mapper optima count as Timeloop published") {
  for (const char *design :
       {"eyeriss_like", "simba_like", "simple_weight_stationary", "simple_output_stationary"}) {
    INFO(design);
    const std::string dir =
        std::string(HCL_SOURCE_DIR) + "/tests/data/timeloop/exercises/" + design;
    const Problem p = load_timeloop_problem(dir + "/parsed-processed-input.yaml");
    const TimeloopArch ta = load_timeloop_arch(dir + "/parsed-processed-input.yaml", p);
    const Mapping m = load_timeloop_mapping(dir + "/timeloop-mapper.map.yaml", p, ta.arch);
    const OracleCase golden = load_counts(dir + "/counts.txt");
    check_counts(p, ta.arch, evaluate(p, ta.arch, m, Mode::Timeloop), golden.counts, golden.cycles);
  }
}

TEST_CASE(
    "model: Timeloop mode honours no_temporal_reuse and no_multicast_no_reduction as v3.0.3") {
  const auto cases = load_cases("timeloop_v303_switches.txt");
  REQUIRE(cases.size() == 21);
  for (const auto &c : cases) {
    INFO("case " << c.name);
    const auto im = check_case(c);
    // The switches travel with the mapping when it is exported for Timeloop, and hcl mode,
    // which counts the generated hardware, refuses them.
    const std::string exported = mapping_to_timeloop_yaml(im.problem, im.arch.arch, im.mapping);
    const Mapping back =
        parse_timeloop_mapping(load_yaml_string(exported, "x"), im.problem, im.arch.arch);
    check_counts(im.problem, im.arch.arch, evaluate(im.problem, im.arch.arch, back, Mode::Timeloop),
                 c.counts, c.cycles);
    CHECK_THROWS_WITH(evaluate(im.problem, im.arch.arch, im.mapping, Mode::Hcl),
                      Catch::Contains("Timeloop-mode switches"));
  }
}
