// Hand-written reference for bench/generators_tpu.cpp: a weight-stationary int8 systolic
// array (TPU / Gemmini WS style), written the plain way, with the same behaviour as
// `hcl generate array --preset tpu --set rows=16 --set cols=16`:
//   - weights load down each column through a shadow-register chain (`load`) and become
//     active with `swap`, which travels with the wavefront (PE(i,j) sees it i+j cycles later);
//   - row i of the input vector is skewed by i registers and moves right one PE per cycle;
//   - partial sums move down (a systolic accumulation chain, 32-bit, wrapping);
//   - column j's result is deskewed by C-1-j registers; out_valid is `en` delayed R+C-1.
// One PE module is used everywhere, as a hand-written design usually would.

module tpu_ref_pe (
    input wire clock,
    input wire load,
    input wire swap,
    input wire signed [7:0] x_in,
    input wire signed [7:0] w_in,
    input wire signed [31:0] psum_in,
    output wire signed [7:0] x_out,
    output wire signed [7:0] w_out,
    output wire signed [31:0] psum_out
);
  reg signed [7:0] shadow, active, x_q;
  reg signed [31:0] psum_q;
  wire signed [15:0] prod = x_in * active;
  always @(posedge clock) begin
    if (load) shadow <= w_in;
    if (swap) active <= shadow;
    x_q <= x_in;
    psum_q <= psum_in + {{16{prod[15]}}, prod};
  end
  assign x_out = x_q;
  assign w_out = shadow;
  assign psum_out = psum_q;
endmodule

module tpu_ref #(
    parameter int R = 16,
    parameter int C = 16
) (
    input wire clock,
    input wire reset,
    input wire load,
    input wire swap,
    input wire en,
    input wire [8*R-1:0] x_in,
    input wire [8*C-1:0] w_in,
    output wire [32*C-1:0] out,
    output wire out_valid
);
  localparam int W = R + C - 2;  // wavefront depth
  reg [W-1:0] swap_d;  // swap_d[k]: swap delayed by k + 1
  reg [W:0] en_d;
  always @(posedge clock) begin
    if (reset) begin
      swap_d <= '0;
      en_d <= '0;
    end else begin
      swap_d <= {swap_d[W-2:0], swap};
      en_d <= {en_d[W-1:0], en};
    end
  end
  assign out_valid = en_d[W];

  wire [7:0] xs[R][C+1];
  wire [7:0] ws[R+1][C];
  wire [31:0] ps[R+1][C];

  genvar i, j;
  generate
    for (i = 0; i < R; i++) begin : g_row
      // Input skew: row i is delayed i cycles.
      reg [7:0] skew[i+1];
      always @(posedge clock) begin
        for (int s = 1; s <= i; s++) skew[s] <= skew[s-1];
      end
      always @(*) skew[0] = x_in[8*i+:8];
      assign xs[i][0] = skew[i];
      for (j = 0; j < C; j++) begin : g_col
        wire swap_ij = (i + j == 0) ? swap : swap_d[i+j-1];
        tpu_ref_pe pe (
            .clock(clock),
            .load(load),
            .swap(swap_ij),
            .x_in(xs[i][j]),
            .w_in(ws[i][j]),
            .psum_in(ps[i][j]),
            .x_out(xs[i][j+1]),
            .w_out(ws[i+1][j]),
            .psum_out(ps[i+1][j])
        );
      end
    end
    for (j = 0; j < C; j++) begin : g_edge
      assign ws[0][j] = w_in[8*j+:8];
      assign ps[0][j] = 32'd0;
      // Output deskew: column j is delayed C-1-j cycles so a whole result row leaves together.
      reg [31:0] deskew[C-j];
      always @(*) deskew[0] = ps[R][j];
      always @(posedge clock) begin
        for (int s = 1; s < C - j; s++) deskew[s] <= deskew[s-1];
      end
      assign out[32*j+:32] = deskew[C-1-j];
    end
  endgenerate
endmodule

module tpu_ref_16x16 (
    input wire clock,
    input wire reset,
    input wire load,
    input wire swap,
    input wire en,
    input wire [127:0] x_in,
    input wire [127:0] w_in,
    output wire [511:0] out,
    output wire out_valid
);
  tpu_ref #(.R(16), .C(16)) u (.*);
endmodule
