// A two-level hierarchy for the synthesis tests: four 8-bit adders (one parameterization used
// twice directly and twice through a pair module) plus a register stage in the top.
module add_n #(
    parameter int W = 8
) (
    input wire [W-1:0] a,
    input wire [W-1:0] b,
    output wire [W:0] s
);
  assign s = {1'b0, a} + {1'b0, b};
endmodule

module add_pair (
    input wire [7:0] a,
    input wire [7:0] b,
    input wire [7:0] c,
    output wire [8:0] s0,
    output wire [8:0] s1
);
  add_n #(.W(8)) u0 (.a(a), .b(b), .s(s0));
  add_n #(.W(8)) u1 (.a(b), .b(c), .s(s1));
endmodule

module adder_tree (
    input wire clk,
    input wire [7:0] a,
    input wire [7:0] b,
    input wire [7:0] c,
    input wire [7:0] d,
    output reg [9:0] y
);
  wire [8:0] p0, p1, q0, q1;
  wire [9:0] wide;
  add_pair pa (.a(a), .b(b), .c(c), .s0(p0), .s1(p1));
  // All four sums differ, so flat synthesis has nothing to share across instances.
  add_pair pb (.a(c), .b(d), .c(a), .s0(q0), .s1(q1));
  add_n #(.W(9)) fin (.a(p0 ^ q1), .b(p1 ^ q0), .s(wide));
  always @(posedge clk) y <= wide;
endmodule
