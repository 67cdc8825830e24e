#include "interrupt.h"

#include <atomic>
#include <csignal>

#include <unistd.h>

namespace hcl::cli {

namespace {

// A signal handler may touch only lock-free atomics (stop.h asserts it for bool).
std::atomic<bool> g_interrupted{false};
std::atomic<bool> g_graceful{false};

void on_sigint(int sig) {
  if (!g_graceful.load()) {
    ::signal(sig, SIG_DFL); // delivered again when the handler returns: the default ending
    ::raise(sig);
    return;
  }
  if (g_interrupted.exchange(true)) {
    ::_exit(kInterruptedExit);
  }
  constexpr char msg[] =
      "\nhcl: interrupted; stopping, keeping what is complete (Ctrl-C again quits at once)\n";
  (void)!::write(STDERR_FILENO, msg, sizeof msg - 1);
}

} // namespace

void install_interrupt_handler() {
  struct sigaction prev {};
  ::sigaction(SIGINT, nullptr, &prev);
  if ((prev.sa_flags & SA_SIGINFO) == 0 && prev.sa_handler == SIG_IGN) {
    return; // started in the background without job control: keep ignoring it
  }
  struct sigaction sa {};
  sa.sa_handler = on_sigint;
  sa.sa_flags = SA_RESTART;
  sigemptyset(&sa.sa_mask);
  ::sigaction(SIGINT, &sa, nullptr);
}

void stop_on_interrupt() { g_graceful = true; }

bool interrupted() { return g_interrupted.load(); }

sched::StopToken stop_token(double seconds) {
  return sched::StopToken(&g_interrupted).within(seconds);
}

} // namespace hcl::cli
