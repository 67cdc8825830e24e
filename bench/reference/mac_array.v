// Hand-written reference (with mac_pe.v): an output-stationary R x C systolic array of int8 MACs.
//
// It serves two purposes: the flows benchmark (Verilator build time, simulation speed, Yosys
// time) and a hand-written area reference for the generators. It is deliberately plain.
//
// Dataflow: row i of A enters at the left edge (a_in byte i) and moves right one PE per cycle;
// column j of B enters at the top (b_in byte j) and moves down. The caller skews the inputs
// (row i delayed by i cycles, column j by j cycles), so PE(i,j) multiplies matching A[i][k] and
// B[k][j] and accumulates into a 32-bit register while `en` is high.
//
// Ports are narrow on purpose: results leave through ONE 32-bit port. With `drain` high every
// accumulator shifts into its successor along a row-major chain (PE(i,j-1) -> PE(i,j), and
// PE(i-1,C-1) -> PE(i,0)), so out_data shows PE(R-1,C-1) first, then PE(R-1,C-2), ... and
// after R*C - 1 drain cycles PE(0,0). (A flat R*C*32-bit result port makes a Verilated 16x16
// array about 14x slower.) `rst` clears accumulators and the operand pipeline.

module mac_array #(
    parameter int R = 4,
    parameter int C = 4
) (
    input wire clk,
    input wire rst,
    input wire en,
    input wire drain,
    input wire [8*R-1:0] a_in,
    input wire [8*C-1:0] b_in,
    output wire [31:0] out_data
);
  // a[i][j] is the A operand entering PE(i,j); a[i][C] leaves the array unused. Same for b.
  wire [7:0] a[R][C+1];
  wire [7:0] b[R+1][C];
  wire [31:0] acc[R][C];

  genvar i, j;
  generate
    for (i = 0; i < R; i++) begin : g_row
      assign a[i][0] = a_in[8*i+:8];
      for (j = 0; j < C; j++) begin : g_col
        if (i == 0) begin : g_top
          assign b[0][j] = b_in[8*j+:8];
        end
        wire [31:0] chain;
        if (j > 0) begin : g_chain_row
          assign chain = acc[i][j-1];
        end else if (i > 0) begin : g_chain_wrap
          assign chain = acc[i-1][C-1];
        end else begin : g_chain_head
          assign chain = 32'd0;
        end
        mac_pe pe (
            .clk(clk),
            .rst(rst),
            .en(en),
            .drain(drain),
            .a_in(a[i][j]),
            .b_in(b[i][j]),
            .chain_in(chain),
            .a_out(a[i][j+1]),
            .b_out(b[i+1][j]),
            .acc(acc[i][j])
        );
      end
    end
  endgenerate

  assign out_data = acc[R-1][C-1];

  // The operands leaving the right and bottom edges are not used.
  wire unused = &{1'b0, a[0][C], b[R][0]};
endmodule
