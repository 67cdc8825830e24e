// 8-bit adder with carry out, the known design of the synthesis tests.
module adder8 (
    input wire [7:0] a,
    input wire [7:0] b,
    output wire [8:0] s
);
  assign s = {1'b0, a} + {1'b0, b};
endmodule
