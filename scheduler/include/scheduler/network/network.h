// A network is an ordered list of named layers, each a Problem, with an optional repeat count
// for layers that occur several times with the same shape (ResNet's identical blocks, if a file
// chooses to fold them). The bundled tables live in examples/networks/.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <scheduler/problem.h>

namespace hcl::sched {

struct NetworkLayer {
  Problem problem;         // problem.name is the layer name, unique within the network
  std::int64_t repeat = 1; // how many times the layer runs per inference
};

struct Network {
  std::string name;
  std::string source; // where the shapes come from (paper, torchvision definition)
  std::vector<NetworkLayer> layers;

  // Layers counting repeats.
  std::int64_t layer_count() const;
  // MACs of one inference (repeats included).
  std::int64_t macs() const;
  // The layer called `name`, or nullptr.
  const NetworkLayer *find(const std::string &name) const;
};

// Reads `network: {name, source, batch, layers: [...]}`; each layer is a workload mapping
// (spec_yaml.h, parse_problem) plus an optional `repeat`. `batch` (default 1) is N for layers
// that do not set it. Throws SpecError naming file, line and key; duplicate layer names are an
// error.
Network load_network_yaml(const std::string &path);

} // namespace hcl::sched
