// `import hcl`: the scheduler, the model and the flow for Python scripts. Each function takes
// the spec files the `hcl` commands take (ours, Timeloop's, and for evaluate the seed tool's
// JSON), or specs loaded once with load_problem / load_arch / load_network, and returns what the
// command writes with --json, as Python dicts and lists. Bad input raises hcl.SpecError (with
// .file, .line, .key, .message) or hcl.UsageError, both ValueErrors; a missing tool raises
// hcl.ToolMissing. Ctrl-C stops a search with its best so far, and the call then raises
// KeyboardInterrupt. The GIL is released while C++ runs, so threads of the caller go on.
#include "python_json.h"
#include "python_stop.h"

#include <flows/errors.h>
#include <flows/flow.h>
#include <flows/flow_compare.h>
#include <flows/spec_files.h>

#include <scheduler/interstellar/interstellar_io.h>
#include <scheduler/io/json_out.h>
#include <scheduler/io/search_json.h>
#include <scheduler/io/spec_yaml.h>
#include <scheduler/io/yaml_util.h>
#include <scheduler/network/network.h>
#include <scheduler/search/allocate.h>
#include <scheduler/search/explore.h>
#include <scheduler/search/padding.h>

#include <pybind11/functional.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <fmt/core.h>

#include <filesystem>
#include <fstream>
#include <variant>

namespace py = pybind11;
using namespace hcl::sched;
using hcl::flows::UsageError;

namespace hcl::python {
namespace {

// A spec argument: a path, or a spec loaded before.
using ProblemArg = std::variant<std::string, Problem>;
using ArchArg = std::variant<std::string, Arch>;
using NetworkArg = std::variant<std::string, Network, Problem>;

Problem problem_of(const ProblemArg &a) {
  if (const auto *p = std::get_if<Problem>(&a)) {
    return *p;
  }
  const auto &path = std::get<std::string>(a);
  flows::require_file(path, "problem");
  return flows::load_problem_file(path);
}

Arch arch_of(const ArchArg &a, const Problem &first, const std::string &ert) {
  if (const auto *p = std::get_if<Arch>(&a)) {
    if (!ert.empty()) {
      throw UsageError("ert applies to an arch given as a path, not to a loaded Arch");
    }
    return *p;
  }
  const auto &path = std::get<std::string>(a);
  flows::require_file(path, "arch");
  return flows::load_arch_file(path, first, ert).arch;
}

Network network_of(const NetworkArg &a) {
  if (const auto *n = std::get_if<Network>(&a)) {
    return *n;
  }
  if (const auto *p = std::get_if<Problem>(&a)) {
    return Network{p->name, "", {{*p, 1}}};
  }
  const auto &path = std::get<std::string>(a);
  flows::require_file(path, "network or problem");
  if (detect_spec_kind(path) == SpecKind::Network) {
    return load_network_yaml(path);
  }
  Problem p = flows::load_problem_file(path);
  return Network{std::filesystem::path(path).stem().string(), "", {{p, 1}}};
}

Mode mode_of(const std::string &mode) {
  if (mode == "hcl") {
    return Mode::Hcl;
  }
  if (mode == "timeloop") {
    return Mode::Timeloop;
  }
  throw UsageError(fmt::format("mode: '{}' is not one of hcl, timeloop", mode));
}

SearchOptions search_options(const std::string &objective, const std::string &mode, int threads,
                             double time_limit, const StopScope &stop) {
  if (threads < 1 || threads > 256) {
    throw UsageError(fmt::format("threads must be 1..256, got {}", threads));
  }
  if (!(time_limit >= 0)) {
    throw UsageError(fmt::format("time_limit must be >= 0 seconds, got {}", time_limit));
  }
  SearchOptions so;
  so.objective = parse_objective(objective);
  so.mode = mode_of(mode);
  so.threads = threads;
  so.time_limit_s = time_limit;
  so.stop = stop.token().within(time_limit);
  return so;
}

py::object evaluate_interstellar(const std::string &problem, const std::string &arch,
                                 const std::string &mapping) {
  nlohmann::json j;
  {
    py::gil_scoped_release release;
    j = interstellar::evaluate_files(problem, arch, mapping);
  }
  return to_python(j);
}

py::object evaluate(const ProblemArg &problem, const ArchArg &arch, const std::string &mapping,
                    const std::string &mode, const std::string &ert) {
  if (mode == "interstellar") {
    if (!std::holds_alternative<std::string>(problem) ||
        !std::holds_alternative<std::string>(arch)) {
      throw UsageError("mode 'interstellar' takes the seed tool's layer and arch JSON paths");
    }
    return evaluate_interstellar(std::get<std::string>(problem), std::get<std::string>(arch),
                                 mapping);
  }
  const Problem p = problem_of(problem);
  const Arch a = arch_of(arch, p, ert);
  flows::require_file(mapping, "mapping");
  const Mapping m = flows::load_mapping_file(mapping, p, a);
  const Mode md = mode_of(mode);
  nlohmann::json j;
  {
    py::gil_scoped_release release;
    // A padded schedule computes its factors' products; it is reported against the layer.
    const auto computed = mapping_bounds(p, m);
    Evaluation e = hcl::sched::evaluate(with_bounds(p, computed), a, m, md);
    if (computed != p.bounds) {
      report_against_original(p, a, e);
    }
    j = to_json(p, a, e);
  }
  return to_python(j);
}

AllocationOptions allocation_options(const std::vector<std::string> &sizes, double max_area) {
  AllocationOptions ao;
  for (const auto &s : sizes) {
    ao.sizes.push_back(parse_size_candidates(s));
  }
  if (!(max_area >= 0)) {
    throw UsageError(fmt::format("max_area must be >= 0 um^2, got {}", max_area));
  }
  ao.max_area_um2 = max_area;
  return ao;
}

std::vector<int> unroll_dims(const Problem &p, const std::vector<std::string> &names) {
  std::vector<int> dims;
  for (const auto &n : names) {
    const int d = p.dim_index(n);
    if (d < 0) {
      throw UsageError(fmt::format("unroll: '{}' is not a dimension of {}", n, p.name));
    }
    dims.push_back(d);
  }
  return dims;
}

py::object schedule(const NetworkArg &what, const ArchArg &arch, const std::string &objective,
                    const std::string &mode, int threads, double time_limit,
                    const std::vector<std::string> &unroll, bool bypass,
                    const std::vector<std::string> &sizes, double max_area,
                    const std::string &ert) {
  const Network net = network_of(what);
  if (net.layers.empty()) {
    throw UsageError(fmt::format("{}: the network has no layers", net.name));
  }
  const Arch a = arch_of(arch, net.layers.front().problem, ert);
  const StopScope stop;
  SearchOptions so = search_options(objective, mode, threads, time_limit, stop);
  so.space.bypass = bypass;
  so.space.unroll_dims = unroll_dims(net.layers.front().problem, unroll);
  const AllocationOptions ao = allocation_options(sizes, max_area);
  nlohmann::json j;
  {
    py::gil_scoped_release release;
    const bool allocating = !ao.sizes.empty() || ao.max_area_um2 > 0;
    AllocationResult alloc;
    if (allocating) {
      alloc = allocate(net, a, ao, so);
    }
    const Arch &built = allocating && alloc.found ? alloc.arch : a;
    NetworkSchedule s = allocating ? alloc.schedule : schedule_network(net, a, so);
    j = network_json(s, built, so.objective);
    if (built.has_area) {
      j["area"] = area_json(built, arch_area(built));
    }
    if (allocating) {
      j["allocation"] = allocation_json(alloc);
    }
  }
  stop.raise_if_interrupted();
  return to_python(j);
}

py::object explore_dataflows(const ProblemArg &problem, const ArchArg &arch,
                             std::vector<std::string> dataflows, const std::string &objective,
                             const std::string &mode, int threads, double time_limit) {
  const Problem p = problem_of(problem);
  const Arch a = arch_of(arch, p, "");
  if (dataflows.empty()) {
    dataflows = default_dataflows();
  }
  for (const auto &df : dataflows) {
    (void)dataflow_dims(p, df); // names the bad one before any search
  }
  const StopScope stop;
  const SearchOptions so = search_options(objective, mode, threads, time_limit, stop);
  nlohmann::json j;
  {
    py::gil_scoped_release release;
    j = dataflows_json(p, a, hcl::sched::explore_dataflows(p, a, dataflows, so));
  }
  stop.raise_if_interrupted();
  return to_python(j);
}

py::object explore_memory(const ProblemArg &problem, const ArchArg &arch,
                          const std::vector<std::string> &sizes, const std::string &objective,
                          const std::string &mode, int threads, double time_limit) {
  const Problem p = problem_of(problem);
  const Arch a = arch_of(arch, p, "");
  if (sizes.empty()) {
    throw UsageError("sizes: give ['LEVEL=SIZE,SIZE,...'] for one or two levels");
  }
  std::vector<std::pair<std::string, std::vector<std::int64_t>>> sweep;
  for (const auto &s : sizes) {
    auto c = parse_size_candidates(s);
    sweep.emplace_back(std::move(c.level), std::move(c.size_bytes));
  }
  const StopScope stop;
  const SearchOptions so = search_options(objective, mode, threads, time_limit, stop);
  nlohmann::json j;
  {
    py::gil_scoped_release release;
    j = memory_json(p, a, hcl::sched::explore_memory(p, a, sweep, so));
  }
  stop.raise_if_interrupted();
  return to_python(j);
}

struct FlowArgs {
  std::string network, arch, output, objective;
  std::vector<std::string> sizes;
  double max_area;
  std::string cosim;
  double time_limit;
  int threads;
  bool force, cache;
};

flows::FlowOptions flow_options(const FlowArgs &a) {
  flows::FlowOptions o;
  o.network = a.network;
  o.arch = a.arch;
  o.out = a.output;
  o.objective = a.objective;
  o.sizes = a.sizes;
  o.max_area_um2 = a.max_area;
  o.cosim_layer = a.cosim;
  o.time_limit_s = a.time_limit;
  o.threads = a.threads;
  o.force = a.force;
  o.reuse_cached = a.cache;
  return o;
}

// Runs `job(o)` without the GIL, with progress lines to `progress` and Ctrl-C as
// KeyboardInterrupt; then returns the JSON file `result` of the output folder.
template <class Job>
py::object run_flow_job(flows::FlowOptions o,
                        const std::function<void(const std::string &)> &progress,
                        const char *result, Job job) {
  if (progress) {
    o.progress = [&progress](const std::string &line) {
      py::gil_scoped_acquire acquire;
      progress(line);
    };
  }
  const StopScope stop;
  o.stop = stop.token();
  {
    py::gil_scoped_release release;
    try {
      job(o);
    } catch (const flows::Interrupted &) {
      // Said below as KeyboardInterrupt, once the GIL is held again.
    }
  }
  stop.raise_if_interrupted();
  std::ifstream in(std::filesystem::path(o.out) / result);
  return to_python(nlohmann::json::parse(in));
}

py::object flow(const std::string &network, const std::string &arch, const std::string &output,
                const std::string &objective, const std::string &dataflow,
                const std::vector<std::string> &sizes, double max_area, const std::string &cosim,
                double time_limit, int threads, bool force, bool cache,
                const std::function<void(const std::string &)> &progress) {
  flows::FlowOptions o = flow_options({network, arch, output, objective, sizes, max_area, cosim,
                                       time_limit, threads, force, cache});
  o.dataflow = dataflow;
  return run_flow_job(o, progress, "flow.json",
                      [](const flows::FlowOptions &f) { (void)flows::run_flow(f); });
}

py::object compare_dataflows(const std::string &network, const std::string &arch,
                             const std::string &output, const std::string &objective,
                             const std::vector<std::string> &sizes, double max_area,
                             const std::string &cosim, std::uint64_t cosim_max_cycles,
                             double time_limit, int threads, bool force, bool cache,
                             const std::function<void(const std::string &)> &progress) {
  flows::FlowOptions o = flow_options({network, arch, output, objective, sizes, max_area, cosim,
                                       time_limit, threads, force, cache});
  if (cosim_max_cycles > 0) {
    o.cosim_max_cycles = cosim_max_cycles;
  }
  return run_flow_job(o, progress, "compare.json",
                      [](const flows::FlowOptions &f) { (void)flows::run_flow_comparison(f); });
}

void bind_specs(py::module_ &m) {
  py::class_<Problem>(m, "Problem", "One layer: its dimensions, their bounds and its tensors")
      .def_readonly("name", &Problem::name)
      .def_property_readonly("dims", [](const Problem &p) { return p.dim_names; })
      .def_property_readonly("bounds",
                             [](const Problem &p) {
                               py::dict d;
                               for (std::size_t i = 0; i < p.dim_names.size(); ++i) {
                                 d[py::str(p.dim_names[i])] = p.bounds[i];
                               }
                               return d;
                             })
      .def_property_readonly("macs", &Problem::macs)
      .def("yaml", &problem_to_yaml, "The layer as our workload YAML")
      .def("__repr__", [](const Problem &p) {
        return fmt::format("<hcl.Problem {} {} MACs>", p.name, p.macs());
      });
  py::class_<Arch>(m, "Arch", "An architecture: its storage levels, innermost first")
      .def_readonly("name", &Arch::name)
      .def_property_readonly("levels",
                             [](const Arch &a) {
                               py::list l;
                               for (const auto &lv : a.levels) {
                                 l.append(py::str(lv.name));
                               }
                               return l;
                             })
      .def_property_readonly("macs", &Arch::total_macs)
      .def("yaml", &arch_to_yaml, "The architecture as our arch YAML")
      .def("__repr__", [](const Arch &a) {
        return fmt::format("<hcl.Arch {} {} MACs>", a.name, a.total_macs());
      });
  py::class_<Network>(m, "Network", "Layers with the times each runs per inference")
      .def_readonly("name", &Network::name)
      .def_property_readonly("layers",
                             [](const Network &n) {
                               py::list l;
                               for (const auto &x : n.layers) {
                                 l.append(py::make_tuple(x.problem, x.repeat));
                               }
                               return l;
                             })
      .def("__repr__", [](const Network &n) {
        return fmt::format("<hcl.Network {} {} layers>", n.name, n.layers.size());
      });
  m.def(
      "load_problem", [](const std::string &path) { return problem_of(path); }, py::arg("path"),
      "A layer from our workload YAML or Timeloop's problem YAML");
  m.def(
      "load_arch",
      [](const std::string &path, const ProblemArg &problem, const std::string &ert) {
        // Timeloop's arch files size some things from the problem; ours ignore it.
        return arch_of(path, problem_of(problem), ert);
      },
      py::arg("path"), py::arg("problem"), py::arg("ert") = "",
      "An architecture from our arch YAML or Timeloop's (with an Accelergy ERT summary)");
  m.def(
      "load_network", [](const std::string &path) { return network_of(path); }, py::arg("path"),
      "A network YAML, or one layer file as a network of one layer");
}

void bind_calls(py::module_ &m) {
  m.def("evaluate", &evaluate, py::arg("problem"), py::arg("arch"), py::arg("mapping"),
        py::arg("mode") = "hcl", py::arg("ert") = "",
        "The cost of one mapping (hcl evaluate --json): mode hcl, timeloop or interstellar "
        "(the seed tool's layer, arch and schedule JSON)");
  m.def("schedule", &schedule, py::arg("network"), py::arg("arch"), py::arg("objective") = "energy",
        py::arg("mode") = "hcl", py::arg("threads") = 1, py::arg("time_limit") = 0.0,
        py::arg("unroll") = std::vector<std::string>{}, py::arg("bypass") = true,
        py::arg("sizes") = std::vector<std::string>{}, py::arg("max_area") = 0.0,
        py::arg("ert") = "",
        "Optimal schedules of a network or one layer (hcl schedule --json); with sizes "
        "['LEVEL=a,b,c'] or max_area the buffer sizes are chosen with them");
  m.def("explore_dataflows", &explore_dataflows, py::arg("problem"), py::arg("arch"),
        py::arg("dataflows") = std::vector<std::string>{}, py::arg("objective") = "energy",
        py::arg("mode") = "hcl", py::arg("threads") = 1, py::arg("time_limit") = 0.0,
        "The best schedule per dataflow (hcl explore dataflows --json)");
  m.def("explore_memory", &explore_memory, py::arg("problem"), py::arg("arch"), py::arg("sizes"),
        py::arg("objective") = "energy", py::arg("mode") = "hcl", py::arg("threads") = 1,
        py::arg("time_limit") = 0.0,
        "The best schedule per size of one or two levels (hcl explore memory --json)");
  m.def("flow", &flow, py::arg("network"), py::arg("arch"), py::arg("output"),
        py::arg("objective") = "energy", py::arg("dataflow") = "auto",
        py::arg("sizes") = std::vector<std::string>{}, py::arg("max_area") = 0.0,
        py::arg("cosim") = "", py::arg("time_limit") = 0.0, py::arg("threads") = 1,
        py::arg("force") = false, py::arg("cache") = true,
        py::arg("progress") = std::function<void(const std::string &)>{},
        "The whole flow (hcl flow) into output; returns its flow.json. progress, if given, "
        "is called with each step's line; cache=False searches every layer again (--no-cache)");
  m.def("compare_dataflows", &compare_dataflows, py::arg("network"), py::arg("arch"),
        py::arg("output"), py::arg("objective") = "energy",
        py::arg("sizes") = std::vector<std::string>{}, py::arg("max_area") = 0.0,
        py::arg("cosim") = "", py::arg("cosim_max_cycles") = std::uint64_t{0},
        py::arg("time_limit") = 0.0, py::arg("threads") = 1, py::arg("force") = false,
        py::arg("cache") = true, py::arg("progress") = std::function<void(const std::string &)>{},
        "The seed's experiment on RTL (hcl flow --compare-dataflows) into output: every "
        "dataflow the template runs at every size point; returns its compare.json. "
        "cosim_max_cycles 0 keeps hcl flow's default");
}

} // namespace
} // namespace hcl::python

PYBIND11_MODULE(hcl, m) {
  m.doc() = "hcl: schedules, the analytical model and the accelerator flow (see docs/python.md)";
  hcl::python::bind_errors(m);
  hcl::python::bind_specs(m);
  hcl::python::bind_calls(m);
}
