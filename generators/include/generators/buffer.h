// A banked, double-buffered on-chip buffer (ping-pong): the fill side writes one half while the
// drain side reads the other; `swap` exchanges the halves at the next clock edge.
//
// Ports, for every bank b (0..banks-1) and read port p (0..ports-1):
//   wr_en_b, wr_addr_b [clog2 depth], wr_data_b [width]      fill side (one write port)
//   rd_en_b_p, rd_addr_b_p [clog2 depth] -> rd_data_b_p      drain side; data one cycle later
//   swap (input), fill_half (output: which half the fill side writes; reads use the other)
// Without double_buffer there is one half: reads and writes hit the same memory and
// swap/fill_half do not exist. Read data for an address written in the same cycle is
// unspecified (no forwarding); callers avoid it.
//
// Each half of a bank is an hcl memory, or, when depth*width >= sram_threshold_bits (and the
// threshold is not 0), an instance of an external SRAM macro `hcl_sram_<D>x<W>_<P>r1w` whose
// behavioural Verilog is emitted next to the design (a memory compiler's model replaces it).
#pragma once

#include <generators/config_keys.h>
#include <generators/ports.h>

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace hcl::gen {

struct BufferConfig {
  int depth = 256; // words per half of each bank, 2..1<<20
  int width = 32;  // bits per word, 1..1024
  int banks = 2;   // independent banks, 1..64
  int ports = 1;   // read ports per bank on the drain side, 1..4
  bool double_buffer = true;
  std::uint64_t sram_threshold_bits = 65536; // 0: never use the SRAM macro

  void validate() const;
  static const std::vector<ConfigKey<BufferConfig>> &keys(); // the --set keys
  void set(const std::string &key, const std::string &value);
  std::string module_name() const;
  bool uses_sram_macro() const;
  nlohmann::json to_json() const;
};

// The buffer's ports (the list at the top of this file) for one config: the buffer declares
// them with `hcl::Input("", BufferIO(cfg))` and a parent names an instance's with
// `hcl::io(inst, "", BufferIO(cfg))`. Indexed [bank] and [bank][read port].
struct BufferIO {
  BufferIO() = default;
  explicit BufferIO(const BufferConfig &cfg);
  Signal swap, fill_half; // double_buffer only
  std::vector<Signal> wr_en, wr_addr, wr_data;
  std::vector<std::vector<Signal>> rd_en, rd_addr, rd_data;

  template <class V> void fields(V &v) {
    optional_port(v, "swap", swap, Dir::In);
    optional_port(v, "fill_half", fill_half, Dir::Out);
    for (std::size_t b = 0; b < wr_en.size(); ++b) {
      lane_port(v, "wr_en", wr_en, b, Dir::In);
      lane_port(v, "wr_addr", wr_addr, b, Dir::In);
      lane_port(v, "wr_data", wr_data, b, Dir::In);
      const std::string en = fmt::format("rd_en_{}", b), addr = fmt::format("rd_addr_{}", b);
      for (std::size_t p = 0; p < rd_en[b].size(); ++p) {
        lane_port(v, en, rd_en[b], p, Dir::In);
        lane_port(v, addr, rd_addr[b], p, Dir::In);
      }
      const std::string data = fmt::format("rd_data_{}", b);
      for (std::size_t p = 0; p < rd_data[b].size(); ++p) {
        lane_port(v, data, rd_data[b], p, Dir::Out);
      }
    }
  }
};

struct Buffer {
  BufferConfig cfg;
  std::string name() const { return cfg.module_name(); }
  void body() const;
};

} // namespace hcl::gen
