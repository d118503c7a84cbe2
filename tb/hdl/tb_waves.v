// Waveform recording for the Icarus waves build (tb/runner.py, WAVES=1): a second root module
// that dumps tb_top to the file given by +dumpfile_path=<file> (vvp -fst makes it an FST).
// Verilog-2001 (the harness is built with -g2005), so the path is a reg, not a string.
`timescale 1ns / 1ps
module tb_waves;
  reg [8*1024-1:0] path;
  initial begin
    if ($value$plusargs("dumpfile_path=%s", path))
      $dumpfile(path);
    else
      $dumpfile("tb_top.fst");
    $dumpvars(0, tb_top);
  end
endmodule
