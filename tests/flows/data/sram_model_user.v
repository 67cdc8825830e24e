// A design that brings its own behavioural model of an SRAM macro, named like the macros
// `hcl synth` makes (as generators/buffer.cpp does above its threshold): the model's memory is
// itself large enough to become a macro, which must not clash with the model's name.
module hcl_sram_1024x16_1r1w (
    input wire clock,
    input wire we,
    input wire [9:0] waddr,
    input wire [15:0] wdata,
    input wire re_0,
    input wire [9:0] raddr_0,
    output reg [15:0] rdata_0
);
  reg [15:0] mem[0:1023];
  always @(posedge clock) begin
    if (we) mem[waddr] <= wdata;
    if (re_0) rdata_0 <= mem[raddr_0];
  end
endmodule

module sram_model_user (
    input wire clock,
    input wire we,
    input wire [9:0] addr,
    input wire [15:0] wdata,
    output wire [15:0] rdata
);
  hcl_sram_1024x16_1r1w u_a (.clock(clock), .we(we), .waddr(addr), .wdata(wdata), .re_0(1'b1),
                             .raddr_0(addr), .rdata_0(rdata));
endmodule
