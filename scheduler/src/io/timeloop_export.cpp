#include <scheduler/io/timeloop_export.h>

#include <scheduler/io/yaml_util.h>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <stdexcept>

namespace hcl::sched {

namespace {

// Timeloop wants the factor of every dimension and a permutation naming each once.
void directive(YAML::Emitter &out, const Problem &p, const std::string &target,
               const std::string &type, const std::vector<Loop> &loops, int split,
               const std::array<bool, kMaxTensors> &flags) {
  std::vector<std::int64_t> factor(p.dim_names.size(), 1);
  std::vector<bool> seen(p.dim_names.size(), false);
  std::string perm;
  const bool single_letters = std::all_of(p.dim_names.begin(), p.dim_names.end(),
                                          [](const std::string &n) { return n.size() == 1; });
  auto add = [&](int d) {
    if (!perm.empty() && !single_letters) {
      perm += " ";
    }
    perm += p.dim_names[static_cast<std::size_t>(d)];
  };
  for (const auto &l : loops) {
    const auto d = static_cast<std::size_t>(l.dim);
    if (seen[d]) {
      throw std::invalid_argument(fmt::format("level {}: two {} loops over {}; a Timeloop mapping "
                                              "has one factor per dimension and level",
                                              target, type, p.dim_names[d]));
    }
    seen[d] = true;
    factor[d] = l.factor;
    add(l.dim);
  }
  // Spatial too: Timeloop v3.0.3 warns about a partial spatial directive and orders the missing
  // dimensions arbitrarily. Appended after the loops on Y, factor 1, they change nothing.
  for (std::size_t d = 0; d < p.dim_names.size(); ++d) {
    if (!seen[d]) {
      add(static_cast<int>(d));
    }
  }
  std::string factors;
  for (std::size_t d = 0; d < p.dim_names.size(); ++d) {
    factors += fmt::format("{}{}={}", factors.empty() ? "" : " ", p.dim_names[d], factor[d]);
  }
  out << YAML::BeginMap;
  out << YAML::Key << "target" << YAML::Value << target;
  out << YAML::Key << "type" << YAML::Value << type;
  out << YAML::Key << "factors" << YAML::Value << factors;
  out << YAML::Key << "permutation" << YAML::Value << perm;
  if (split >= 0) {
    out << YAML::Key << "split" << YAML::Value << split;
  }
  std::vector<std::string> flagged;
  for (std::size_t t = 0; t < p.tensors.size(); ++t) {
    if (flags[t]) {
      flagged.push_back(p.tensors[t].name);
    }
  }
  if (!flagged.empty()) {
    out << YAML::Key << (type == "temporal" ? "no_temporal_reuse" : "no_multicast_no_reduction")
        << YAML::Value << YAML::Flow << flagged;
  }
  out << YAML::EndMap;
}

} // namespace

std::string mapping_to_timeloop_yaml(const Problem &p, const Arch &arch, const Mapping &m) {
  if (m.levels.size() != arch.levels.size()) {
    throw std::invalid_argument(fmt::format("mapping has {} levels, arch '{}' has {}",
                                            m.levels.size(), arch.name, arch.levels.size()));
  }
  YAML::Emitter out;
  out << YAML::BeginMap << YAML::Key << "mapping" << YAML::Value << YAML::BeginSeq;
  for (std::size_t k = arch.levels.size(); k-- > 0;) {
    const auto &lm = m.levels[k];
    const std::string &name = arch.levels[k].name;
    directive(out, p, name, "temporal", lm.temporal, -1, lm.no_temporal_reuse);
    if (!lm.spatial_x.empty() || !lm.spatial_y.empty() || lm.multicast_switched()) {
      std::vector<Loop> loops = lm.spatial_x;
      loops.insert(loops.end(), lm.spatial_y.begin(), lm.spatial_y.end());
      directive(out, p, name, "spatial", loops, static_cast<int>(lm.spatial_x.size()),
                lm.no_multicast);
    }
    std::vector<std::string> keep, bypass;
    for (std::size_t t = 0; t < p.tensors.size(); ++t) {
      (lm.keep[t] ? keep : bypass).push_back(p.tensors[t].name);
    }
    if (!bypass.empty()) {
      out << YAML::BeginMap;
      out << YAML::Key << "target" << YAML::Value << name;
      out << YAML::Key << "type" << YAML::Value << "datatype";
      out << YAML::Key << "keep" << YAML::Value << YAML::Flow << keep;
      out << YAML::Key << "bypass" << YAML::Value << YAML::Flow << bypass;
      out << YAML::EndMap;
    }
  }
  out << YAML::EndSeq << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

void save_timeloop_mapping(const std::string &path, const Problem &problem, const Arch &arch,
                           const Mapping &mapping) {
  write_text_atomic(path, mapping_to_timeloop_yaml(problem, arch, mapping));
}

} // namespace hcl::sched
