// Schedule-driven accelerator benchmark: one full-size ResNet-18 3x3 layer (layer1.0.conv1:
// C = K = 64, 56 x 56 outputs, 3 x 3 filters) searched on examples/arch/tpu_like.yaml (16 x 16
// weight-stationary array) in the accelerator's space, generated, configured from its mapping
// and co-simulated on Verilator with the DRAM model. Prints wall time, simulated cycles per
// second, the RTL/model cycle ratio and the counters check. A benchmark, not a test: the
// suite's co-simulations use scaled-down layers. `--double-buffered` makes the arch's
// on-chip Inputs and Outputs buffers double-buffered, so the design prefetches.
#include <flows/design_flows.h>
#include <flows/nest_cosim.h>

#include <scheduler/io/spec_yaml.h>
#include <scheduler/search/search.h>

#include <fmt/core.h>

#include <chrono>
#include <string>

int main(int argc, char **argv) {
  namespace sched = hcl::sched;
  using namespace hcl::flows;
  using Clock = std::chrono::steady_clock;
  const auto t0 = Clock::now();
  const auto secs = [](Clock::time_point a) {
    return std::chrono::duration<double>(Clock::now() - a).count();
  };
  sched::Arch spec = sched::load_arch_yaml(HCL_SOURCE_DIR "/examples/arch/tpu_like.yaml");
  const bool dbl = argc > 1 && std::string(argv[1]) == "--double-buffered";
  for (std::size_t l = 0; dbl && l + 1 < spec.levels.size(); ++l)
    spec.levels[l].double_buffered = spec.levels[l].keeps[1] || spec.levels[l].keeps[2];
  fmt::print("arch: tpu_like{}\n", dbl ? ", Inputs and Outputs buffers double-buffered" : "");
  sched::ConvShape s;
  s.name = "layer1.0.conv1";
  s.C = s.K = 64;
  s.P = s.Q = 56;
  s.R = s.S = 3;
  const sched::Problem p = sched::make_conv2d(s);
  const sched::Arch arch = nest_timed_arch(spec, nest_accelerator_config(spec, {}));
  sched::SearchOptions so;
  so.space = nest_space(p, arch);
  so.threads = 2;
  so.time_limit_s = 30;
  const auto r = sched::search(p, arch, so);
  if (!r.found) {
    fmt::print("no mapping in the accelerator's space\n");
    return 1;
  }
  fmt::print("search: {:.1f} s, {}, {} cycles predicted\n", secs(t0),
             r.optimal ? "optimal" : fmt::format("gap {:.2f}%", 100 * r.gap), r.evaluation.cycles);
  const NestLayer layer = analyse_nest_layer(p, arch, r.mapping);
  const auto cfg = nest_accelerator_config(arch, {layer});
  const auto t1 = Clock::now();
  Simulator sim = simulate(hcl::elaborate(hcl::gen::NestAccelerator{cfg}));
  fmt::print("Verilator model: {:.1f} s ({})\n", secs(t1), sim.cache_hit() ? "cached" : "built");
  const auto t2 = Clock::now();
  const NestCheck k = check_nest_layer(sim, cfg, arch, p, r.mapping, layer,
                                       configure_nest_layer(cfg, layer), 100'000'000);
  const double run = secs(t2);
  fmt::print("co-simulation: {:.1f} s wall, {} cycles, {:.3g} simulated cycles/s\n", run,
             k.run.measured_cycles, static_cast<double>(k.run.measured_cycles) / run);
  fmt::print("outputs: {} of {} bit-exact\n", k.run.outputs_checked - k.run.mismatches,
             k.run.outputs_checked);
  fmt::print("RTL / model cycles: {:.5f} ({} / {})\n",
             static_cast<double>(k.run.measured_cycles) / static_cast<double>(k.predicted),
             k.run.measured_cycles, k.predicted);
  const std::string diff = describe_mismatches(k.counts);
  fmt::print("counters: {}\n", diff.empty() ? "all equal to the model's" : diff);
  fmt::print("utilization of the 16 x 16 array: {:.1f}%\n",
             100.0 * static_cast<double>(p.macs()) /
                 (256.0 * static_cast<double>(k.run.measured_cycles)));
  fmt::print("total: {:.1f} s; {}\n", secs(t0), k.passed ? "PASS" : "FAIL");
  return k.passed ? 0 : 1;
}
