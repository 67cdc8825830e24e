// One int8 x int8 -> 32-bit multiply-accumulate cell of mac_array.v (see there for the
// dataflow). Operands are registered and passed on to the right (a) and downwards (b).
module mac_pe (
    input wire clk,
    input wire rst,
    input wire en,
    input wire drain,
    input wire signed [7:0] a_in,
    input wire signed [7:0] b_in,
    input wire [31:0] chain_in,
    output reg signed [7:0] a_out,
    output reg signed [7:0] b_out,
    output reg [31:0] acc
);
  // The 16-bit product, sign-extended by replication. Written as a plain signed sum instead,
  // Yosys merges multiply and add into one 32-bit multiplier: 40% more PE area.
  function automatic [31:0] mul8(input signed [7:0] x, input signed [7:0] y);
    reg signed [15:0] p;
    begin
      p = x * y;
      mul8 = {{16{p[15]}}, p};
    end
  endfunction

  always @(posedge clk) begin
    if (rst) begin
      acc   <= 32'd0;
      a_out <= 8'sd0;
      b_out <= 8'sd0;
    end else if (drain) begin
      acc <= chain_in;
    end else if (en) begin
      // The product is computed inside the clocked block rather than as a separate wire, so
      // that the Verilated model evaluates it once per edge instead of also settling it
      // whenever an input changes (about 2x faster simulation of a 16x16 array).
      acc   <= acc + mul8(a_in, b_in);
      a_out <= a_in;
      b_out <= b_in;
    end
  end
endmodule
