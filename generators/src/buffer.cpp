#include <generators/buffer.h>
#include <generators/params.h>
#include <generators/require.h>

#include <hcl/hcl.h>

#include <fmt/core.h>

#include <vector>

namespace hcl::gen {

void BufferConfig::validate() const {
  require(depth >= 2 && depth <= (1 << 20), "depth",
          fmt::format("must be in [2, 1048576] (got {})", depth));
  require(width >= 1 && width <= 1024, "width",
          fmt::format("must be in [1, 1024] (got {})", width));
  require(banks >= 1 && banks <= 64, "banks", fmt::format("must be in [1, 64] (got {})", banks));
  require(ports >= 1 && ports <= 4, "ports", fmt::format("must be in [1, 4] (got {})", ports));
}

const std::vector<ConfigKey<BufferConfig>> &BufferConfig::keys() {
  using B = BufferConfig;
  static const std::vector<ConfigKey<B>> k = [] {
    const auto depth = int_key("depth", &B::depth, 0, 1 << 24, "words per half and bank");
    const auto width = int_key("width", &B::width, 0, 1 << 16, "bits per word");
    const auto banks = int_key("banks", &B::banks, 0, 1024, "independent banks (1..64)");
    return std::vector<ConfigKey<B>>{
        depth,
        alias_key("rows", depth),
        width,
        alias_key("data_width", width),
        banks,
        alias_key("cols", banks),
        int_key("ports", &B::ports, 0, 64, "read ports per bank (1..4)"),
        bool_key("double_buffer", &B::double_buffer, "ping-pong halves switched by swap"),
        int_key("sram_threshold_bits", &B::sram_threshold_bits, 0, INT64_MAX,
                "halves of at least this many bits are an SRAM macro (0: never)")};
  }();
  return k;
}

void BufferConfig::set(const std::string &key, const std::string &value) {
  set_key(keys(), *this, "buffer", key, value);
}

bool BufferConfig::uses_sram_macro() const {
  return sram_threshold_bits != 0 &&
         static_cast<std::uint64_t>(depth) * static_cast<std::uint64_t>(width) >=
             sram_threshold_bits;
}

std::string BufferConfig::module_name() const {
  return fmt::format("hcl_buffer_{}x{}_b{}_r{}{}{}", depth, width, banks, ports,
                     double_buffer ? "_db" : "", uses_sram_macro() ? "_sram" : "");
}

nlohmann::json BufferConfig::to_json() const {
  const int halves = double_buffer ? 2 : 1;
  const nlohmann::json p = params_json(keys(), *this);
  nlohmann::json d = {{"addr_width", addr_bits(static_cast<std::uint64_t>(depth))},
                      {"halves", halves},
                      {"read_latency", 1},
                      {"sram_macro", uses_sram_macro()},
                      {"total_bits", static_cast<std::uint64_t>(depth) * width * banks * halves}};
  return {{"generator", "buffer"}, {"top", module_name()}, {"params", p}, {"derived", d}};
}

namespace {

// The SRAM macro's ports, in the order of its Verilog model.
struct SramIO {
  SramIO(int addr_width, int width, int ports)
      : we(Bool()), waddr(UInt(addr_width)), wdata(UInt(width)),
        re(static_cast<std::size_t>(ports), Bool()),
        raddr(static_cast<std::size_t>(ports), UInt(addr_width)),
        rdata(static_cast<std::size_t>(ports), UInt(width)) {}
  Signal we, waddr, wdata;
  std::vector<Signal> re, raddr, rdata;
  template <class V> void fields(V &v) {
    v("we", we);
    v("waddr", waddr);
    v("wdata", wdata);
    for (std::size_t p = 0; p < re.size(); ++p) {
      lane_port(v, "re", re, p, Dir::In);
      lane_port(v, "raddr", raddr, p, Dir::In);
      lane_port(v, "rdata", rdata, p, Dir::Out);
    }
  }
};

// The behavioural model of the SRAM macro; a memory compiler's model replaces it.
struct SramMacro {
  int depth, width, ports;
  std::string name() const { return fmt::format("hcl_sram_{}x{}_{}r1w", depth, width, ports); }
  void body() const {
    const int aw = addr_bits(static_cast<std::uint64_t>(depth));
    std::string v = fmt::format("// Behavioural model of an SRAM macro: {} words x {} bits, "
                                "{} read port(s), 1 write port, registered reads.\n",
                                depth, width, ports);
    v += fmt::format("module {} (\n  input clock,\n  input we,\n  input [{}:0] waddr,\n"
                     "  input [{}:0] wdata",
                     name(), aw - 1, width - 1);
    for (int p = 0; p < ports; ++p) {
      v += fmt::format(
          ",\n  input re_{0},\n  input [{1}:0] raddr_{0},\n  output reg [{2}:0] rdata_{0}", p,
          aw - 1, width - 1);
    }
    v += fmt::format("\n);\n  reg [{}:0] mem [0:{}];\n  always @(posedge clock) begin\n"
                     "    if (we) mem[waddr] <= wdata;\n",
                     width - 1, depth - 1);
    for (int p = 0; p < ports; ++p) {
      v += fmt::format("    if (re_{0}) rdata_{0} <= mem[raddr_{0}];\n", p);
    }
    v += "  end\nendmodule\n";
    ir::ExternInfo info;
    info.verilog = v;
    extern_module(info);
    Input("", SramIO(aw, width, ports));
  }
};

// One half of one bank: write port and `ports` read ports, data one cycle after the address.
std::vector<Signal> half(const BufferConfig &c, const std::string &id, const Signal &we,
                         const Signal &waddr, const Signal &wdata, const std::vector<Signal> &re,
                         const std::vector<Signal> &raddr) {
  if (c.uses_sram_macro()) {
    const SramIO m = io(instance("sram_" + id, SramMacro{c.depth, c.width, c.ports}), "",
                        SramIO(static_cast<int>(waddr.width()), c.width, c.ports));
    m.we <<= we;
    m.waddr <<= waddr;
    m.wdata <<= wdata;
    for (std::size_t p = 0; p < re.size(); ++p) {
      m.re[p] <<= re[p];
      m.raddr[p] <<= raddr[p];
    }
    return m.rdata;
  }
  Mem mem(static_cast<unsigned>(c.depth), UInt(c.width), "mem_" + id);
  mem.write(waddr, wdata, we);
  std::vector<Signal> out;
  for (std::size_t p = 0; p < re.size(); ++p) {
    out.push_back(mem.read(raddr[p], re[p]));
  }
  return out;
}

} // namespace

BufferIO::BufferIO(const BufferConfig &cfg) {
  const int aw = addr_bits(static_cast<std::uint64_t>(cfg.depth));
  if (cfg.double_buffer) {
    swap = Bool();
    fill_half = Bool();
  }
  const auto banks = static_cast<std::size_t>(cfg.banks);
  const auto ports = static_cast<std::size_t>(cfg.ports);
  wr_en.assign(banks, Bool());
  wr_addr.assign(banks, UInt(aw));
  wr_data.assign(banks, UInt(cfg.width));
  rd_en.assign(banks, std::vector<Signal>(ports, Bool()));
  rd_addr.assign(banks, std::vector<Signal>(ports, UInt(aw)));
  rd_data.assign(banks, std::vector<Signal>(ports, UInt(cfg.width)));
}

void Buffer::body() const {
  cfg.validate();
  const BufferIO io = Input("", BufferIO(cfg));
  Signal fill = Bool::lit(false);
  Signal fill_q = fill;
  if (cfg.double_buffer) {
    auto sel = RegInit(Bool(), false, "fill_sel");
    when(io.swap, [&] { sel <<= !sel; });
    io.fill_half <<= sel;
    fill = sel;
    // Read data returns a cycle after the request: select it with the half read back then.
    fill_q = RegNext(sel, "fill_sel_q");
  }
  for (std::size_t b = 0; b < io.wr_en.size(); ++b) {
    const Signal &we = io.wr_en[b], &waddr = io.wr_addr[b], &wdata = io.wr_data[b];
    const std::vector<Signal> &re = io.rd_en[b], &raddr = io.rd_addr[b];
    std::vector<Signal> data;
    if (!cfg.double_buffer) {
      data = half(cfg, std::to_string(b), we, waddr, wdata, re, raddr);
    } else {
      // Half h is filled while fill == h and read while fill != h.
      std::vector<Signal> re0, re1;
      for (const auto &r : re) {
        re0.push_back(r && fill);
        re1.push_back(r && !fill);
      }
      auto d0 = half(cfg, fmt::format("{}_0", b), we && !fill, waddr, wdata, re0, raddr);
      auto d1 = half(cfg, fmt::format("{}_1", b), we && fill, waddr, wdata, re1, raddr);
      for (std::size_t p = 0; p < re.size(); ++p) {
        data.push_back(Mux(fill_q, d0[p], d1[p]));
      }
    }
    for (std::size_t p = 0; p < data.size(); ++p) {
      io.rd_data[b][p] <<= data[p];
    }
  }
}

} // namespace hcl::gen
