#include "python_stop.h"

#include <pybind11/pybind11.h>

namespace hcl::python {

std::atomic<bool> &StopScope::flag() {
  static std::atomic<bool> f{false};
  return f;
}

StopScope::StopScope() {
  flag().store(false);
  struct sigaction sa {};
  sa.sa_handler = [](int) { flag().store(true); };
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, &previous_);
}

StopScope::~StopScope() { sigaction(SIGINT, &previous_, nullptr); }

void StopScope::raise_if_interrupted() const {
  if (flag().load()) {
    PyErr_SetNone(PyExc_KeyboardInterrupt);
    throw pybind11::error_already_set();
  }
}

} // namespace hcl::python
