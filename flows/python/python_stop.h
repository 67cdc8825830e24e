// Ctrl-C during a call: Python's own handler runs only between bytecodes, which a long search
// never reaches, so for the call's duration SIGINT sets a flag the search tests instead.
#pragma once

#include <scheduler/stop.h>

#include <atomic>
#include <csignal>

namespace hcl::python {

class StopScope {
public:
  StopScope();
  ~StopScope();
  StopScope(const StopScope &) = delete;
  StopScope &operator=(const StopScope &) = delete;
  sched::StopToken token() const { return sched::StopToken(&flag()); }
  // Raises KeyboardInterrupt (error_already_set) when SIGINT came during the scope.
  void raise_if_interrupted() const;

private:
  static std::atomic<bool> &flag();
  struct sigaction previous_ {};
};

} // namespace hcl::python
