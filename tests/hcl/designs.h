// Small designs shared by the hcl tests: a counter, a FIFO, a signed MAC PE and a systolic
// array of PEs. The golden Verilog in tests/hcl/golden/ is what these emit.
#pragma once

#include <hcl/hcl.h>

#include <string>
#include <vector>

namespace hcl_test {

using namespace hcl;

// An up-counter with enable that wraps at 2^width.
struct Counter {
  int width = 8;
  std::string name() const { return "Counter" + std::to_string(width); }
  void body() const {
    auto en = Input("en", Bool());
    auto count = Output("count", UInt(width));
    auto value = RegInit(UInt(width), 0, "value");
    when(en, [&] { value <<= value.add_wrap(1); });
    count <<= value;
  }
};

// A ready/valid FIFO of `depth` registers (depth a power of two).
struct Fifo {
  int width = 8;
  int depth = 4;
  std::string name() const { return "Fifo" + std::to_string(width) + "x" + std::to_string(depth); }
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

    Vec<Signal> slots(static_cast<std::size_t>(depth), UInt(width));
    for (int i = 0; i < depth; ++i)
      slots[i] = Reg(UInt(width), "slot_" + std::to_string(i));
    auto head = RegInit(UInt(aw), 0, "head");
    auto tail = RegInit(UInt(aw), 0, "tail");
    auto count = RegInit(UInt(aw + 1), 0, "count");

    auto can_enq = (count != depth).named("can_enq");
    auto can_deq = (count != 0).named("can_deq");
    auto do_enq = (enq_valid && can_enq).named("do_enq");
    auto do_deq = (deq_ready && can_deq).named("do_deq");
    enq_ready <<= can_enq;
    deq_valid <<= can_deq;
    deq_data <<= slots[head];

    for (int i = 0; i < depth; ++i)
      when(do_enq && tail == i, [&] { slots[i] <<= enq_data; });
    when(do_enq, [&] { tail <<= tail.add_wrap(1); });
    when(do_deq, [&] { head <<= head.add_wrap(1); });
    when(do_enq && !do_deq, [&] { count <<= count.add_wrap(1); }).elsewhen(do_deq && !do_enq, [&] {
      count <<= count.sub_wrap(1);
    });
  }
};

// A registered signed multiply-accumulate PE with operand forwarding to the neighbours.
struct MacPE {
  int width = 8;
  int acc_width = 32;
  std::string name() const {
    return "MacPE" + std::to_string(width) + "_" + std::to_string(acc_width);
  }
  void body() const {
    auto a_in = Input("a_in", SInt(width));
    auto b_in = Input("b_in", SInt(width));
    auto en = Input("en", Bool());
    auto clear = Input("clear", Bool());
    auto a_out = Output("a_out", SInt(width));
    auto b_out = Output("b_out", SInt(width));
    auto acc_out = Output("acc", SInt(acc_width));
    auto acc = RegInit(SInt(acc_width), 0, "acc_q");
    auto product = (a_in * b_in).named("product");
    when(clear, [&] { acc <<= 0; }).elsewhen(en, [&] {
      acc <<= acc.add_wrap(product.sext(acc_width));
    });
    a_out <<= RegNext(a_in, "a_q");
    b_out <<= RegNext(b_in, "b_q");
    acc_out <<= acc;
  }
};

// rows x cols output-stationary array: A flows right, B flows down, one named wire per link.
struct MacArray {
  int rows = 2;
  int cols = 2;
  int width = 8;
  int acc_width = 32;
  std::string name() const {
    return "MacArray" + std::to_string(rows) + "x" + std::to_string(cols);
  }
  void body() const {
    auto en = Input("en", Bool());
    auto clear = Input("clear", Bool());
    std::vector<Signal> a, b;
    for (int r = 0; r < rows; ++r)
      a.push_back(Input("a_" + std::to_string(r), SInt(width)));
    for (int c = 0; c < cols; ++c)
      b.push_back(Input("b_" + std::to_string(c), SInt(width)));
    std::vector<Instance> pes;
    for (int r = 0; r < rows; ++r) {
      for (int c = 0; c < cols; ++c) {
        std::string id = std::to_string(r) + "_" + std::to_string(c);
        Instance pe = instance("pe_" + id, MacPE{width, acc_width});
        pe["en"] <<= en;
        pe["clear"] <<= clear;
        pe["a_in"] <<= c == 0 ? a[r] : pes[r * cols + c - 1]["a_out"];
        pe["b_in"] <<= r == 0 ? b[c] : pes[(r - 1) * cols + c]["b_out"];
        Output("acc_" + id, SInt(acc_width)) <<= pe["acc"];
        pes.push_back(pe);
      }
    }
  }
};

// A ready/valid FIFO on a synchronous 1R1W memory; the head element is prefetched into the
// memory's registered read data, so deq_data is valid whenever deq_valid is high.
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
    auto stored = RegInit(UInt(aw + 1), 0, "stored");
    auto out_valid = RegInit(Bool(), false, "out_valid");
    auto fetching = RegInit(Bool(), false, "fetching");
    auto do_enq = (enq_valid && stored != depth).named("do_enq");
    auto do_deq = (deq_ready && out_valid).named("do_deq");
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

// A true dual-port RAM: two read-first read/write ports on one memory.
struct TrueDualPortRam {
  int width = 8;
  int depth = 16;
  std::string name() const {
    return "TdpRam" + std::to_string(width) + "x" + std::to_string(depth);
  }
  void body() const {
    int aw = 1;
    while ((1 << aw) < depth)
      ++aw;
    Mem ram(static_cast<unsigned>(depth), SInt(width), "ram");
    for (std::string p : {"a", "b"}) {
      auto addr = Input(p + "_addr", UInt(aw));
      auto wdata = Input(p + "_wdata", SInt(width));
      auto wen = Input(p + "_wen", Bool());
      auto en = Input(p + "_en", Bool());
      Output(p + "_rdata", SInt(width)) <<= ram.readwrite(addr, wdata, wen, en);
    }
  }
};

} // namespace hcl_test
