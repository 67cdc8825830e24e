// Ports wider than 64 bits for the co-simulation tests: q is a one-cycle delayed copy of a
// rotated left by one bit; sum is the combinational 100-bit sum of a and b.
module wide_pipe (
    input wire clk,
    input wire [99:0] a,
    input wire [99:0] b,
    output reg [99:0] q,
    output wire [99:0] sum
);
  always @(posedge clk) q <= {a[98:0], a[99]};
  assign sum = a + b;
endmodule
