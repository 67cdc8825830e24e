// Lint-clean 8-bit registered adder (used by the lint tests).
module lint_clean (
    input wire clk,
    input wire [7:0] a,
    input wire [7:0] b,
    output reg [8:0] sum
);
  always @(posedge clk) sum <= {1'b0, a} + {1'b0, b};
endmodule
