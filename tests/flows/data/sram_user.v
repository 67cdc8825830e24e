// A 1024x16 memory (16 Kib, above the default SRAM threshold) next to a 4x4 register file
// (16 bits, below it), for the SRAM macro tests.
module sram_user (
    input wire clk,
    input wire we,
    input wire [9:0] addr,
    input wire [15:0] wdata,
    output reg [15:0] rdata,
    output wire [3:0] small_q
);
  reg [15:0] mem[0:1023];
  reg [3:0] rf[0:3];
  always @(posedge clk) begin
    if (we) mem[addr] <= wdata;
    rdata <= mem[addr];
    if (we) rf[addr[1:0]] <= wdata[3:0];
  end
  // The read data feeds logic, so that logic must survive the macro being a blackbox.
  assign small_q = rf[addr[1:0]] ^ rdata[3:0];
endmodule
