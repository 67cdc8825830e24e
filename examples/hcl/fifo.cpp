// A ready/valid FIFO on a synchronous 1R1W memory, written in hcl.
// Usage: example_fifo <output-folder> [width] [depth]   (depth a power of two, >= 2)
//
// The memory reads one cycle after the address, so the FIFO keeps the head element in an
// output register ("show-ahead"): deq_data is valid whenever deq_valid is high.
#include <hcl/hcl.h>

#include <cstdio>
#include <exception>
#include <string>

namespace {

using namespace hcl;

struct MemFifo {
  int width = 8;
  int depth = 16;
  std::string name() const {
    return "MemFifo" + std::to_string(width) + "x" + std::to_string(depth);
  }
  void body() const {
    int aw = 1;
    while ((1 << aw) < depth)
      ++aw;
    auto enq_valid = Input("enq_valid", Bool());
    auto enq_ready = Output("enq_ready", Bool());
    auto enq_data = Input("enq_data", UInt(width));
    auto deq_valid = Output("deq_valid", Bool());
    auto deq_ready = Input("deq_ready", Bool());
    auto deq_data = Output("deq_data", UInt(width));

    Mem ram(static_cast<unsigned>(depth), UInt(width), "ram");
    auto wr_ptr = RegInit(UInt(aw), 0, "wr_ptr");
    auto rd_ptr = RegInit(UInt(aw), 0, "rd_ptr");
    // Elements in the RAM (not counting the one in the output register).
    auto stored = RegInit(UInt(aw + 1), 0, "stored");
    auto out_valid = RegInit(Bool(), false, "out_valid");
    auto fetching = RegInit(Bool(), false, "fetching"); // a RAM read is in flight

    auto do_enq = (enq_valid && stored != depth).named("do_enq");
    auto do_deq = (deq_ready && out_valid).named("do_deq");
    // Refill the output register when it is (or is becoming) empty and nothing is in flight.
    auto out_free = (!out_valid || do_deq).named("out_free");
    auto do_fetch = (out_free && !fetching && stored != 0).named("do_fetch");

    ram.write(wr_ptr, enq_data, do_enq);
    auto rdata = ram.read(rd_ptr, do_fetch);

    when(do_enq, [&] { wr_ptr <<= wr_ptr.add_wrap(1); });
    when(do_fetch, [&] { rd_ptr <<= rd_ptr.add_wrap(1); });
    when(do_enq && !do_fetch, [&] {
      stored <<= stored.add_wrap(1);
    }).elsewhen(do_fetch && !do_enq, [&] { stored <<= stored.sub_wrap(1); });
    fetching <<= do_fetch;
    when(fetching, [&] { out_valid <<= true; }).elsewhen(do_deq, [&] { out_valid <<= false; });

    enq_ready <<= stored != depth;
    deq_valid <<= out_valid;
    deq_data <<= rdata;
    assert_(!(fetching && out_valid && !do_deq), "output register overwritten");
  }
};

} // namespace

int main(int argc, char **argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s <output-folder> [width] [depth]\n", argv[0]);
    return 2;
  }
  try {
    int width = argc > 2 ? std::stoi(argv[2]) : 8;
    int depth = argc > 3 ? std::stoi(argv[3]) : 16;
    hcl::Design design = hcl::elaborate(MemFifo{width, depth});
    hcl::EmitResult result = hcl::emit_verilog(design, argv[1]);
    std::printf("%s\n", result.top.c_str());
    return 0;
  } catch (const std::invalid_argument &e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 2;
  } catch (const std::exception &e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
}
