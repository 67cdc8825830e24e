// The typed port bundles (ports.h, PeIO, ArrayIO, BufferIO, ControllerIO): each generator's
// emitted ports are exactly its bundle's, in order, and the port sets are the ones the
// generators' headers document for each config. A parent using a bundle of the wrong config
// is an elaboration error at its own line.
#include "../hcl/expect_error.h"

#include <generators/array.h>
#include <generators/buffer.h>
#include <generators/controller.h>
#include <generators/pe.h>

#include <hcl/hcl.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

using namespace hcl::gen;

namespace {

const std::string kFile = "tests/generators/ports.cpp";

struct PortSig {
  std::string name;
  bool out;
  unsigned width;
  bool operator==(const PortSig &) const = default;
};

template <class IO> std::vector<PortSig> bundle_ports(IO io) {
  std::vector<PortSig> v;
  auto f = [&](const std::string &n, hcl::Signal &s, bool flip) {
    v.push_back({n, flip, s.width()});
  };
  hcl::detail::for_each_leaf(io, std::string(), false, f);
  return v;
}

template <class Gen> std::vector<PortSig> module_ports(const Gen &gen) {
  const hcl::Design d = hcl::elaborate(gen);
  std::vector<PortSig> v;
  for (const auto &p : d.top_module().ports) {
    const std::string &n = d.str(p.name);
    if (n != "clock" && n != "reset")
      v.push_back({n, p.dir == hcl::ir::Dir::Out, p.type.width});
  }
  return v;
}

std::vector<std::string> names(const std::vector<PortSig> &ports) {
  std::vector<std::string> v;
  for (const auto &p : ports)
    v.push_back(p.name);
  return v;
}

using Names = std::vector<std::string>;

} // namespace

TEST_CASE("ports: a PE emits exactly its PeIO, with the ports pe.h lists for its config") {
  PeConfig ws; // weight stationary, double buffered, psum chain
  ws.stationary = Stationary::Weight;
  ws.double_buffer = true;
  ws.psum_chain = true;
  REQUIRE(module_ports(Pe{ws}) == bundle_ports(PeIO(ws)));
  CHECK(names(bundle_ports(PeIO(ws))) ==
        Names{"x_in", "w_in", "load", "swap", "w_out", "psum_out", "psum_in"});

  PeConfig os = ws;
  os.stationary = Stationary::Output;
  os.forward_x = true;
  REQUIRE(module_ports(Pe{os}) == bundle_ports(PeIO(os)));
  CHECK(names(bundle_ports(PeIO(os))) ==
        Names{"x_in", "w_in", "x_out", "psum_out", "en", "drain", "psum_in"});

  PeConfig tree = ws; // no stationary operand, products to an adder tree outside
  tree.stationary = Stationary::None;
  tree.psum_chain = false;
  REQUIRE(module_ports(Pe{tree}) == bundle_ports(PeIO(tree)));
  CHECK(names(bundle_ports(PeIO(tree))) == Names{"x_in", "w_in", "psum_out"});
  CHECK(bundle_ports(PeIO(tree)).back() == PortSig{"psum_out", true, 32});
}

TEST_CASE("ports: every array preset emits exactly its ArrayIO") {
  for (const auto &preset : array_preset_names()) {
    INFO(preset);
    ArrayConfig cfg = array_preset(preset);
    cfg.rows = 2;
    cfg.cols = 3;
    const ArrayPlan plan = plan_array(cfg);
    const auto ports = bundle_ports(ArrayIO(cfg));
    REQUIRE(module_ports(Array{cfg}) == ports);
    const ArrayIO io(cfg);
    CHECK(io.x.size() == static_cast<std::size_t>(plan.x.lanes));
    CHECK(io.w.size() == static_cast<std::size_t>(plan.w.lanes));
    CHECK(io.out.size() == static_cast<std::size_t>(plan.out_lanes));
    // array.h: output stationary drains instead of signalling out_valid.
    CHECK((io.drain.width() != 0) == plan.output_stationary);
    CHECK((io.out_valid.width() != 0) == !plan.output_stationary);
  }
  ArrayConfig edge = array_preset("tpu");
  edge.edge_accumulate = true;
  const Names n = names(bundle_ports(ArrayIO(edge)));
  CHECK(std::find(n.begin(), n.end(), "first") != n.end());
  CHECK(std::find(n.begin(), n.end(), "last") != n.end());
  REQUIRE(module_ports(Array{edge}) == bundle_ports(ArrayIO(edge)));
}

TEST_CASE("ports: a buffer emits exactly its BufferIO, bank by bank") {
  BufferConfig b;
  b.banks = 2;
  b.ports = 2;
  b.depth = 16;
  b.width = 8;
  REQUIRE(module_ports(Buffer{b}) == bundle_ports(BufferIO(b)));
  CHECK(names(bundle_ports(BufferIO(b))) ==
        Names{"swap",        "fill_half",   "wr_en_0",     "wr_addr_0",   "wr_data_0",
              "rd_en_0_0",   "rd_addr_0_0", "rd_en_0_1",   "rd_addr_0_1", "rd_data_0_0",
              "rd_data_0_1", "wr_en_1",     "wr_addr_1",   "wr_data_1",   "rd_en_1_0",
              "rd_addr_1_0", "rd_en_1_1",   "rd_addr_1_1", "rd_data_1_0", "rd_data_1_1"});
  CHECK(bundle_ports(BufferIO(b))[3] == PortSig{"wr_addr_0", false, 4});
  b.double_buffer = false;
  b.sram_threshold_bits = 64; // the SRAM macro path has its own bundle inside
  REQUIRE(module_ports(Buffer{b}) == bundle_ports(BufferIO(b)));
  CHECK(names(bundle_ports(BufferIO(b))).front() == "wr_en_0");
}

TEST_CASE("ports: the controller emits exactly its ControllerIO") {
  ControllerConfig c;
  c.levels = 2;
  c.addr_gens = 3;
  REQUIRE(module_ports(Controller{c}) == bundle_ports(ControllerIO(c)));
  const auto p = bundle_ports(ControllerIO(c));
  CHECK(p.back() == PortSig{"addr_2", true, static_cast<unsigned>(c.addr_width)});
}

TEST_CASE("ports: a bundle of another config names the missing port at the caller's line") {
  PeConfig ws;
  ws.stationary = Stationary::Weight;
  ws.forward_x = ws.forward_w = false;
  PeConfig os = ws;
  os.stationary = Stationary::Output;
  hcl_test::expect_error(
      [&] {
        auto pe = hcl::io(hcl::instance("pe", Pe{ws}), "", PeIO(os));
        pe.x_in <<= 0;
      },
      __LINE__ - 3, {"has no port 'en'", "its ports are: x_in, w_in, load"}, kFile);
}
