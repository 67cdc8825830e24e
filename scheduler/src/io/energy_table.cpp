#include <scheduler/io/energy_table.h>

#include <cmath>

namespace hcl::sched {

double interstellar_word_energy_pj(MemKind kind, std::int64_t size_bytes) {
  switch (kind) {
  case MemKind::DRAM:
    return 200.0;
  case MemKind::SRAM:
    return 9.0 * std::pow(1.5, std::log2(static_cast<double>(size_bytes) / 32768.0));
  case MemKind::RegFile:
  case MemKind::Register:
    return 0.015 * static_cast<double>(size_bytes) / 8.0;
  }
  return 0;
}

} // namespace hcl::sched
