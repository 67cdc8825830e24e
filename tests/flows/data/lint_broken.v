// Deliberately broken: a missing semicolon on line 6 (used by the lint tests).
module lint_broken (
    input wire clk,
    output reg q
);
  always @(posedge clk) q <= 1'b1
endmodule
