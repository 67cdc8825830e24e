// Ctrl-C in the `hcl` shell. The handler is installed at startup, before any other (the tool
// runner's, flows/src/tool.cpp, forwards the signal to its children and then chains to it).
// A command that can stop with its best so far (schedule, explore, flow) calls
// stop_on_interrupt(): its first SIGINT then only sets a flag its searches test, and it exits
// with kInterruptedExit; a second SIGINT exits at once. Every other command ends on the first
// SIGINT, as a process without a handler does.
#pragma once

#include <scheduler/stop.h>

namespace hcl::cli {

inline constexpr int kInterruptedExit = 130; // 128 + SIGINT, what a shell reports for Ctrl-C

void install_interrupt_handler();
void stop_on_interrupt();
bool interrupted();
// Stops once interrupted, and `seconds` from now when > 0 (a time limit is a promise).
sched::StopToken stop_token(double seconds = 0);

} // namespace hcl::cli
