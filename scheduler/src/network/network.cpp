#include <scheduler/counts.h>
#include <scheduler/io/spec_yaml.h>
#include <scheduler/io/yaml_util.h>
#include <scheduler/network/network.h>

#include <fmt/format.h>

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
  std::int64_t total = 0;
  for (const auto &item : items) {
    NetworkLayer layer;
    layer.problem = parse_problem(item, batch, {"repeat"});
    if (auto r = item.get("repeat")) {
      layer.repeat = r->as_int(1);
    }
    const CountCheck counts = check_counts(layer.problem, layer.repeat);
    require_counts_fit(item, counts);
    // Totals add the layers (layers run one after another), so their sum must fit too.
    const auto sum = checked_add(total, counts.bound);
    if (!sum) {
      (item.has("repeat") ? item.at("repeat") : item)
          .fail(fmt::format("the layers up to '{}' move up to {:.3g} words together (repeats "
                            "included), more than the {} a network may",
                            layer.problem.name,
                            static_cast<double>(total) + static_cast<double>(counts.bound),
                            max_count_text()));
    }
    total = *sum;
    if (const auto *other = n.find(layer.problem.name)) {
      (void)other;
      item.at("name").fail(fmt::format("layer name '{}' is used twice", layer.problem.name));
    }
    n.layers.push_back(std::move(layer));
  }
  return n;
}

} // namespace hcl::sched
