#include <scheduler/io/spec_yaml.h>
#include <scheduler/network/network.h>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <filesystem>
#include <fstream>

#include "scratch_dir.h"

using namespace hcl::sched;

namespace {

const std::string kNets = HCL_SOURCE_DIR "/examples/networks/";

template <class F> SpecError spec_error(F &&f) {
  try {
    f();
  } catch (const SpecError &e) {
    return e;
  }
  FAIL("expected a SpecError");
  throw;
}

std::string net_file(const std::string &text) {
  const auto dir = hcl::test::scratch_dir("network");
  const auto path = (dir / "net.yaml").string();
  std::ofstream(path) << text;
  return path;
}

std::int64_t bound(const Problem &p, const char *dim) {
  const int d = p.dim_index(dim);
  return d < 0 ? 1 : p.bounds.at(static_cast<std::size_t>(d));
}

// FC layers load as GEMMs (P = batch, everything spatial 1); depthwise as grouped with one
// channel per group.
bool is_fc(const Problem &p) {
  return bound(p, "Q") == 1 && bound(p, "R") == 1 && bound(p, "S") == 1 && bound(p, "P") == 1;
}
bool is_depthwise(const Problem &p) {
  return bound(p, "G") > 1 && bound(p, "C") == 1 && bound(p, "K") == 1;
}

struct Counts {
  int conv = 0, fc = 0, depthwise = 0;
  std::int64_t conv_macs = 0, fc_macs = 0;
};
Counts count(const Network &n) {
  Counts c;
  for (const auto &l : n.layers) {
    if (is_fc(l.problem)) {
      c.fc += static_cast<int>(l.repeat);
      c.fc_macs += l.repeat * l.problem.macs();
    } else {
      c.conv += static_cast<int>(l.repeat);
      c.conv_macs += l.repeat * l.problem.macs();
      c.depthwise += is_depthwise(l.problem) ? static_cast<int>(l.repeat) : 0;
    }
  }
  return c;
}

} // namespace

TEST_CASE("AlexNet layer table matches the published MAC counts") {
  const Network n = load_network_yaml(kNets + "alexnet.yaml");
  CHECK(n.name == "alexnet");
  CHECK_FALSE(n.source.empty());
  const Counts c = count(n);
  CHECK(c.conv == 5);
  CHECK(c.fc == 3);
  // Per-layer MACs of the two-tower AlexNet (Sze et al., Proc. IEEE 2017, Table III totals
  // 666M conv / 58.6M FC; per layer e.g. Eyeriss, JSSC 2017: conv1 105M ... conv5 75M).
  const std::pair<const char *, std::int64_t> published[] = {{"conv1", 105415200},
                                                             {"conv2", 223948800},
                                                             {"conv3", 149520384},
                                                             {"conv4", 112140288},
                                                             {"conv5", 74760192}};
  for (const auto &[name, macs] : published) {
    REQUIRE(n.find(name) != nullptr);
    CHECK(n.find(name)->problem.macs() == macs);
  }
  CHECK(c.conv_macs == 665784864);
  CHECK(c.fc_macs == 58621952);
  CHECK(bound(n.find("conv1")->problem, "P") == 55);
}

TEST_CASE("VGG-16 layer table: 13 conv + 3 FC, conv1_1 is 3->64 at 224x224 with 3x3") {
  const Network n = load_network_yaml(kNets + "vgg16.yaml");
  const Counts c = count(n);
  CHECK(c.conv == 13);
  CHECK(c.fc == 3);
  const Problem &p = n.layers.front().problem;
  CHECK(p.name == "conv1_1");
  CHECK(bound(p, "C") == 3);
  CHECK(bound(p, "K") == 64);
  CHECK(bound(p, "P") == 224);
  CHECK(bound(p, "Q") == 224);
  CHECK(bound(p, "R") == 3);
  CHECK(bound(p, "S") == 3);
  CHECK(bound(n.find("conv5_3")->problem, "P") == 14);
  // torchvision lists 15.47 GFLOPS (MACs) for vgg16; Sze et al. 2017: 15.3G conv + 124M FC.
  CHECK(static_cast<double>(n.macs()) == Approx(15.47e9).epsilon(0.002));
  CHECK(c.fc_macs == 123633664);
}

TEST_CASE("ResNet-18 layer table: 20 conv + 1 FC") {
  const Network n = load_network_yaml(kNets + "resnet18.yaml");
  const Counts c = count(n);
  CHECK(c.conv == 20);
  CHECK(c.fc == 1);
  CHECK(bound(n.find("layer4.1.conv2")->problem, "P") == 7);
  CHECK(bound(n.find("layer2.0.downsample")->problem, "P") == 28);
  // torchvision: 1.81 GFLOPS (MACs).
  CHECK(static_cast<double>(n.macs()) == Approx(1.81e9).epsilon(0.005));
}

TEST_CASE("ResNet-50 layer table: 53 conv + 1 FC") {
  const Network n = load_network_yaml(kNets + "resnet50.yaml");
  const Counts c = count(n);
  CHECK(c.conv == 53);
  CHECK(c.fc == 1);
  CHECK(n.layer_count() == 54);
  const Problem &p = n.find("layer3.0.conv2")->problem; // v1.5: stride 2 on the 3x3
  CHECK(bound(p, "C") == 256);
  CHECK(bound(p, "K") == 256);
  CHECK(bound(p, "P") == 14);
  CHECK(bound(n.find("fc")->problem, "C") == 2048);
  // torchvision: 4.09 GFLOPS (MACs) for resnet50.
  CHECK(static_cast<double>(n.macs()) == Approx(4.09e9).epsilon(0.005));
}

TEST_CASE("MobileNet-V2 layer table: 52 conv of which 17 depthwise, + 1 FC") {
  const Network n = load_network_yaml(kNets + "mobilenet_v2.yaml");
  const Counts c = count(n);
  CHECK(c.conv == 52);
  CHECK(c.depthwise == 17);
  CHECK(c.fc == 1);
  const Problem &dw = n.find("features.2.dw")->problem; // 16 * 6 = 96 channels, stride 2
  CHECK(bound(dw, "G") == 96);
  CHECK(bound(dw, "P") == 56);
  // Sandler et al. 2018, Table 3/4: 300M multiply-adds.
  CHECK(static_cast<double>(n.macs()) == Approx(300e6).epsilon(0.01));
}

TEST_CASE("repeat counts multiply layers and MACs, batch sets N") {
  const Network n = load_network_yaml(
      net_file("network:\n  name: t\n  batch: 4\n  layers:\n"
               "    - {name: a, type: conv2d, C: 8, K: 8, P: 4, Q: 4, R: 3, S: 3, repeat: 3}\n"
               "    - {name: b, type: fc, C: 8, K: 2}\n"));
  CHECK(n.layers.size() == 2);
  CHECK(n.layer_count() == 4);
  CHECK(bound(n.layers[0].problem, "N") == 4);
  CHECK(n.macs() == 3 * 4 * 8 * 8 * 16 * 9 + 4 * 8 * 2);
  CHECK(n.find("c") == nullptr);
}

TEST_CASE("network repeats and totals must fit the counts") {
  // repeat: 2^62 once gave a total of "0 cycles".
  auto e = spec_error([] {
    load_network_yaml(net_file("network:\n  name: t\n  layers:\n"
                               "    - name: a\n      type: fc\n      C: 8\n      K: 2\n"
                               "      repeat: 4611686018427387904\n"));
  });
  CHECK(e.line() == 8);
  CHECK(e.key() == "repeat");
  // Each layer fits on its own (2^46 MACs each), the five together do not.
  std::string layers;
  for (int i = 0; i < 5; ++i) {
    layers += fmt::format("    - {{name: l{}, type: fc, N: 1048576, C: 1048576, K: 64}}\n", i);
  }
  e = spec_error([&] { load_network_yaml(net_file("network:\n  name: t\n  layers:\n" + layers)); });
  CHECK(e.line() == 8);
  CHECK_THAT(e.message(), Catch::Contains("l4") && Catch::Contains("2^48"));
}

TEST_CASE("network errors name file, line and key") {
  const std::string bad = HCL_SOURCE_DIR "/tests/data/specs/bad_layer.network.yaml";
  auto e = spec_error([&] { load_network_yaml(bad); });
  CHECK(e.file() == bad);
  CHECK(e.line() == 5);
  CHECK(e.key() == "repeat");
  CHECK(e.message() == "must be at least 1, found 0");

  e = spec_error([] {
    load_network_yaml(net_file("network:\n  name: t\n  layers:\n"
                               "    - {name: a, type: fc, C: 8, K: 2}\n"
                               "    - {name: a, type: fc, C: 8, K: 4}\n"));
  });
  CHECK(e.line() == 5);
  CHECK(e.key() == "name");
  CHECK(e.message() == "layer name 'a' is used twice");

  e = spec_error([] {
    load_network_yaml(net_file("network:\n  name: t\n  layers:\n"
                               "    - name: a\n      type: fc\n      C: 8\n      K: 2\n"
                               "      repeats: 2\n"));
  });
  CHECK(e.line() == 8);
  CHECK(e.key() == "repeats");
  CHECK_THAT(e.message(), Catch::Contains("valid keys are: name, type, N, C, K, repeat"));

  e = spec_error([] { load_network_yaml(net_file("network:\n  name: t\n  layer: []\n")); });
  CHECK(e.line() == 3);
  CHECK(e.key() == "layer");
  CHECK_THAT(e.message(), Catch::Contains("valid keys are: name, source, batch, layers"));

  e = spec_error([] { load_network_yaml(net_file("network:\n  name: t\n  layers: []\n")); });
  CHECK(e.line() == 3);
  CHECK(e.message() == "list at least one layer");
}
