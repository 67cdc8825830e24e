#include <scheduler/io/workload_yaml.h>

#include <scheduler/io/spec_yaml.h>
#include <scheduler/validate.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

#include "support/spec_files.h"

using namespace hcl::sched;
using namespace spec_test;

TEST_CASE("conv2d given by input size derives P and Q like PyTorch") {
  const Problem p = load_problem_yaml(kSpecs + "conv_hw.workload.yaml");
  CHECK(p.name == "conv1");
  CHECK(bound(p, "P") == 112); // (224 + 2*3 - 7) / 2 + 1
  CHECK(bound(p, "Q") == 112);
  CHECK(p.macs() == 118013952); // 112*112*64*3*7*7, as torchvision's ResNet conv1
  // Inputs footprint spans the strided window: 2*(112-1) + 7 = 229 = 224 + 2*3 - 1 rows.
  CHECK(p.tensor_size(1) == 3 * 229 * 229);
}

TEST_CASE("workload types: grouped, depthwise, gemm, fc and generic") {
  const Problem g = load_layer("  {name: g, type: conv2d, C: 96, K: 256, P: 27, Q: 27, R: 5, "
                               "S: 5, groups: 2}\n");
  CHECK(g.dim_names.back() == "G");
  CHECK(g.macs() == 223948800); // AlexNet conv2 as published (Sze et al. 2017)

  const Problem d = load_layer("  {name: d, type: depthwise, C: 32, H: 112, W: 112, R: 3, S: 3, "
                               "stride: 2, padding: 1}\n");
  CHECK(bound(d, "G") == 32);
  CHECK(bound(d, "C") == 1);
  CHECK(bound(d, "K") == 1);
  CHECK(bound(d, "P") == 56);
  CHECK(d.macs() == 32 * 56 * 56 * 9);

  const Problem m = load_layer("  {name: m, type: gemm, M: 64, N: 32, K: 128}\n");
  CHECK(m.macs() == 64 * 32 * 128);
  CHECK(m.tensor_size(0) == 32 * 128); // Weights K x N
  CHECK(m.tensor_size(1) == 64 * 128); // Inputs M x K

  const Problem f = load_layer("  {name: f, type: fc, N: 4, C: 9216, K: 4096}\n");
  CHECK(f.macs() == 4LL * 9216 * 4096);
  CHECK(f.tensor_size(0) == 9216 * 4096);

  const Problem c1 = load_layer("  name: conv1d\n  type: generic\n  dims: {R: 3, P: 16}\n"
                                "  tensors:\n"
                                "    - {name: Weights, projection: [R]}\n"
                                "    - {name: Inputs, projection: ['P + R']}\n"
                                "    - {name: Outputs, read_write: true, projection: [P]}\n");
  CHECK(c1.dim_names == std::vector<std::string>{"R", "P"});
  CHECK(c1.tensor_size(1) == 18);
  CHECK(c1.tensors[2].read_write);

  const Problem strided = load_layer("  name: s\n  type: generic\n  dims: {R: 3, P: 4}\n"
                                     "  tensors:\n    - {name: I, projection: ['2*P + R*1']}\n");
  CHECK(strided.tensor_size(0) == 2 * 3 + 3);
}

TEST_CASE("workload errors name file, line and key") {
  auto e = spec_error([] { load_problem_yaml(kSpecs + "bad_unknown_key.workload.yaml"); });
  CHECK(e.file() == kSpecs + "bad_unknown_key.workload.yaml");
  CHECK(e.line() == 10);
  CHECK(e.key() == "strides");
  CHECK_THAT(e.message(), Catch::Contains("unknown key in a conv2d layer; valid keys are: name, "
                                          "type, N, C, P, Q, H, W, R, S, stride, dilation, "
                                          "padding, K, groups"));

  e = spec_error([] {
    load_layer("  name: x\n  type: conv2d\n  C: 3\n  K: 8\n  H: 32\n  P: 30\n  R: 3\n  S: 3\n"
               "  Q: 30\n  padding: 1\n");
  });
  CHECK(e.line() == 7);
  CHECK(e.key() == "P");
  CHECK(e.message() == "P = 30 does not match H = 32 with padding 1, stride 1, dilation 1 and "
                       "R = 3, which gives 32");

  e = spec_error([] { load_layer("  {name: x, type: conv2d, C: 3, K: 8, P: 4, R: 3, S: 3}\n"); });
  CHECK(e.line() == 1); // the layer's own key
  CHECK(e.key() == "workload");
  CHECK(e.message() == "give the output size Q or the input size W (with padding)");

  e = spec_error([] {
    load_layer("  {name: x, type: conv2d, C: 6, K: 8, P: 4, Q: 4, R: 1, S: 1, groups: 4}\n");
  });
  CHECK(e.key() == "groups");
  CHECK(e.message() == "groups = 4 must divide both C = 6 and K = 8");

  e = spec_error([] { load_layer("  {name: x, type: conv3d}\n"); });
  CHECK(e.key() == "type");
  CHECK(e.message() == "'conv3d' is not valid; use one of: conv2d, depthwise, gemm, fc, generic");

  e = spec_error([] {
    load_layer("  name: s\n  type: generic\n  dims: {R: 3, P: 4}\n  tensors:\n"
               "    - name: I\n      projection: [P + X]\n");
  });
  CHECK(e.line() == 7);
  CHECK_THAT(e.message(), Catch::Contains("'X' is not a dimension; dimensions are: R, P"));

  e = spec_error(
      [] { load_layer("  {name: x, type: conv2d, C: 0, K: 8, P: 4, Q: 4, R: 1, S: 1}\n"); });
  CHECK(e.key() == "C");
  CHECK(e.message() == "must be at least 1, found 0");

  e = spec_error([] { load_problem_yaml(spec_file("w.yaml", "layer: {}\n")); });
  CHECK(e.line() == 1);
  CHECK(e.key() == "layer");
  CHECK_THAT(e.message(), Catch::Contains("valid keys are: workload"));
}

TEST_CASE("workloads whose counts do not fit int64 with headroom are refused at their key") {
  // C = K = P = Q = 2^20 once wrapped to a negative energy and 0 cycles, reported optimal.
  auto e = spec_error([] {
    load_layer("  name: x\n  type: conv2d\n  C: 1048576\n  K: 1048576\n  P: 1048576\n"
               "  Q: 1048576\n  R: 1\n  S: 1\n");
  });
  CHECK(e.line() == 4); // P and Q fit, C takes the MACs past 2^48
  CHECK(e.key() == "C");
  CHECK_THAT(e.message(), Catch::Contains("MACs") && Catch::Contains("2^48"));
  // Given as an input size, the blame goes to H; in a GEMM to its own key names.
  e = spec_error([] {
    load_layer("  {name: x, type: conv2d, C: 1, K: 1, H: 300000000000000, W: 8, R: 1, S: 1}\n");
  });
  CHECK(e.key() == "H");
  e = spec_error([] { load_layer("  {name: g, type: gemm, M: 100000000, N: 100000000, K: 1}\n"); });
  CHECK(e.key() == "N");
  e = spec_error([] {
    load_layer("  name: s\n  type: generic\n  dims: {R: 3, P: 1000000000000000}\n  tensors:\n"
               "    - {name: I, projection: [P + R]}\n");
  });
  CHECK(e.line() == 4);
  CHECK(e.key() == "P");
  // A stride multiplies no MACs but the input's span.
  e = spec_error([] {
    load_layer("  {name: x, type: conv2d, C: 1, K: 1, P: 1024, Q: 1, R: 1, S: 1, "
               "stride: 1099511627776}\n");
  });
  CHECK(e.key() == "workload");
  CHECK_THAT(e.message(), Catch::Contains("Inputs"));
}

TEST_CASE("workloads round-trip through problem_to_yaml") {
  for (const std::string body :
       {"  {name: a, type: conv2d, C: 3, K: 64, H: 224, W: 224, R: 7, S: 7, stride: 2, "
        "padding: 3}\n",
        "  {name: b, type: conv2d, C: 96, K: 256, P: 27, Q: 27, R: 5, S: 5, groups: 2, "
        "dilation: [2, 1]}\n",
        "  {name: c, type: depthwise, C: 16, multiplier: 2, P: 7, Q: 7, R: 3, S: 3}\n",
        "  {name: d, type: gemm, M: 5, N: 6, K: 7}\n",
        "  name: e\n  type: generic\n  dims: {R: 3, P: 16}\n  tensors:\n"
        "    - {name: W, projection: [R]}\n    - {name: I, projection: ['3*P + 2*R']}\n"}) {
    const Problem p = load_layer(body);
    const auto path = spec_file("rt.workload.yaml", "");
    save_problem_yaml(path, p);
    const Problem q = load_problem_yaml(path);
    CHECK(q.name == p.name);
    CHECK(q.dim_names == p.dim_names);
    CHECK(q.bounds == p.bounds);
    REQUIRE(q.tensors.size() == p.tensors.size());
    for (std::size_t t = 0; t < p.tensors.size(); ++t) {
      CHECK(q.tensor_size(static_cast<int>(t)) == p.tensor_size(static_cast<int>(t)));
      CHECK(q.tensors[t].projection.size() == p.tensors[t].projection.size());
    }
  }
}

// ---- architecture --------------------------------------------------------------------------
