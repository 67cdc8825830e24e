#include <scheduler/model/area.h>

#include <fmt/format.h>

#include <stdexcept>

namespace hcl::sched {

double accelergy40_area_um2_per_bit(MemKind kind) {
  switch (kind) {
  case MemKind::SRAM:
    return 707084.0 / (32768.0 * 64.0);
  case MemKind::RegFile:
    return 887.84 / (64.0 * 8.0);
  case MemKind::Register:
    return 5.98;
  case MemKind::DRAM:
    return 0;
  }
  return 0;
}

double accelergy40_mac_area_um2(int bits) {
  const double scale = static_cast<double>(bits) / 8.0;
  return 332.25 * scale * scale;
}

double accelergy40_level_area_um2(MemKind kind, std::int64_t size_words, int word_bits) {
  return accelergy40_area_um2_per_bit(kind) * static_cast<double>(size_words) *
         static_cast<double>(word_bits);
}

AreaReport arch_area(const Arch &arch) {
  if (!arch.has_area) {
    throw std::invalid_argument(fmt::format(
        "arch '{}' has no area model; add 'area_table: accelergy_40nm' or area_um2 on every "
        "on-chip level and on the mac",
        arch.name));
  }
  AreaReport r;
  for (int l = 0; l < static_cast<int>(arch.levels.size()); ++l) {
    const double a =
        arch.levels[static_cast<std::size_t>(l)].area_um2 * static_cast<double>(arch.instances(l));
    r.level_um2.push_back(a);
    r.total_um2 += a;
  }
  r.mac_um2 = arch.mac_area_um2 * static_cast<double>(arch.total_macs());
  r.total_um2 += r.mac_um2;
  return r;
}

nlohmann::json area_json(const Arch &arch, const AreaReport &report) {
  nlohmann::json levels = nlohmann::json::array();
  for (std::size_t l = arch.levels.size(); l-- > 0;) {
    const Level &lv = arch.levels[l];
    levels.push_back({{"name", lv.name},
                      {"size_words", lv.size_words},
                      {"instances", arch.instances(static_cast<int>(l))},
                      {"area_um2", lv.area_um2},
                      {"total_um2", report.level_um2[l]}});
  }
  return {{"total_um2", report.total_um2}, {"mac_um2", report.mac_um2}, {"levels", levels}};
}

} // namespace hcl::sched
