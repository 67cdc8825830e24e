// Accumulator for the co-simulation tests: adds d into a 16-bit total when en is high, clears
// on synchronous reset. `level` is a combinational view of the total (total >= 0x8000).
module accumulator (
    input wire clk,
    input wire rst,
    input wire en,
    input wire [7:0] d,
    output reg [15:0] total,
    output wire level
);
  always @(posedge clk) begin
    if (rst) total <= 16'd0;
    else if (en) total <= total + {8'd0, d};
  end
  assign level = total[15];
endmodule
