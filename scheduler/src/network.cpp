#include <scheduler/network.h>
#include <scheduler/spec_yaml.h>
#include <scheduler/yaml_util.h>

#include <fmt/format.h>

#include <algorithm>

namespace hcl::sched {

std::int64_t Network::layer_count() const {
  std::int64_t n = 0;
  for (const auto &l : layers) {
    n += l.repeat;
  }
  return n;
}

std::int64_t Network::macs() const {
  std::int64_t n = 0;
  for (const auto &l : layers) {
    n += l.repeat * l.problem.macs();
  }
  return n;
}

const NetworkLayer *Network::find(const std::string &name) const {
  for (const auto &l : layers) {
    if (l.problem.name == name) {
      return &l;
    }
  }
  return nullptr;
}

bool same_shape(const Problem &a, const Problem &b) {
  if (a.dim_names != b.dim_names || a.bounds != b.bounds || a.tensors.size() != b.tensors.size()) {
    return false;
  }
  for (std::size_t t = 0; t < a.tensors.size(); ++t) {
    const auto &x = a.tensors[t];
    const auto &y = b.tensors[t];
    if (x.name != y.name || x.read_write != y.read_write ||
        x.projection.size() != y.projection.size()) {
      return false;
    }
    for (std::size_t r = 0; r < x.projection.size(); ++r) {
      if (x.projection[r].size() != y.projection[r].size()) {
        return false;
      }
      for (std::size_t i = 0; i < x.projection[r].size(); ++i) {
        if (x.projection[r][i].dim != y.projection[r][i].dim ||
            x.projection[r][i].coef != y.projection[r][i].coef) {
          return false;
        }
      }
    }
  }
  return true;
}

std::vector<ShapeGroup> unique_shapes(const Network &network) {
  std::vector<ShapeGroup> groups;
  for (std::size_t i = 0; i < network.layers.size(); ++i) {
    const auto &layer = network.layers[i];
    auto it = std::find_if(groups.begin(), groups.end(), [&](const ShapeGroup &g) {
      return same_shape(network.layers[g.first].problem, layer.problem);
    });
    if (it == groups.end()) {
      groups.push_back({i, {}, 0});
      it = groups.end() - 1;
    }
    it->members.push_back(i);
    it->count += layer.repeat;
  }
  return groups;
}

Network load_network_yaml(const std::string &path) {
  const auto doc = load_yaml_file(path);
  doc.require_keys({"network"}, "a network file");
  const auto net = doc.at("network");
  net.require_keys({"name", "source", "batch", "layers"}, "network");
  Network n;
  n.name = net.at("name").as_string();
  if (auto s = net.get("source")) {
    n.source = s->as_string();
  }
  const std::int64_t batch = net.get("batch") ? net.at("batch").as_int(1) : 1;
  const auto layers = net.at("layers");
  const auto items = layers.items();
  if (items.empty()) {
    layers.fail("list at least one layer");
  }
  for (const auto &item : items) {
    NetworkLayer layer;
    layer.problem = parse_problem(item, batch, {"repeat"});
    if (auto r = item.get("repeat")) {
      layer.repeat = r->as_int(1);
    }
    if (const auto *other = n.find(layer.problem.name)) {
      (void)other;
      item.at("name").fail(fmt::format("layer name '{}' is used twice", layer.problem.name));
    }
    n.layers.push_back(std::move(layer));
  }
  return n;
}

} // namespace hcl::sched
