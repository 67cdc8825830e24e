#include <scheduler/io/workload_yaml.h>

#include <scheduler/counts.h>
#include <support/text.h>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>

namespace hcl::sched {

namespace {

std::vector<std::string> with_extra(std::vector<std::string> keys,
                                    const std::vector<std::string> &extra) {
  keys.insert(keys.end(), extra.begin(), extra.end());
  return keys;
}

// A value given as a scalar (both axes) or as [h, w].
std::optional<std::pair<std::int64_t, std::int64_t>> get_pair(const YamlView &layer,
                                                              const char *key, std::int64_t min) {
  auto v = layer.get(key);
  if (!v) {
    return std::nullopt;
  }
  if (v->is_sequence()) {
    auto items = v->items();
    if (items.size() != 2) {
      v->fail(fmt::format("expected one number or a pair [vertical, horizontal], found a list "
                          "of {}",
                          items.size()));
    }
    return std::pair{items[0].as_int(min), items[1].as_int(min)};
  }
  const auto x = v->as_int(min);
  return std::pair{x, x};
}

std::optional<std::int64_t> get_int(const YamlView &layer, const char *key, std::int64_t min = 1) {
  auto v = layer.get(key);
  if (!v) {
    return std::nullopt;
  }
  return v->as_int(min);
}

// Output extent from the input extent, as PyTorch's Conv2d computes it.
std::int64_t conv_out(std::int64_t in, std::int64_t pad, std::int64_t dil, std::int64_t k,
                      std::int64_t stride) {
  const std::int64_t span = in + 2 * pad - dil * (k - 1) - 1;
  return span < 0 ? 0 : span / stride + 1;
}

std::int64_t out_extent(const YamlView &layer, const char *out_key, const char *in_key,
                        const char *k_key, std::int64_t k, std::int64_t pad, std::int64_t stride,
                        std::int64_t dil) {
  const auto given = get_int(layer, out_key);
  const auto in = get_int(layer, in_key);
  if (!given && !in) {
    layer.fail(fmt::format("give the output size {} or the input size {} (with padding)", out_key,
                           in_key));
  }
  if (!in) {
    return *given;
  }
  const std::int64_t derived = conv_out(*in, pad, dil, k, stride);
  const auto where = fmt::format("{} = {} with padding {}, stride {}, dilation {} and {} = {}",
                                 in_key, *in, pad, stride, dil, k_key, k);
  if (given && *given != derived) {
    layer.at(out_key).fail(
        fmt::format("{} = {} does not match {}, which gives {}", out_key, *given, where, derived));
  }
  if (derived < 1) {
    layer.at(in_key).fail(fmt::format("{} leaves no output", where));
  }
  return derived;
}

Problem make_checked(const YamlView &layer, const ConvShape &s) {
  try {
    return make_conv2d(s);
  } catch (const SpecError &) {
    throw;
  } catch (const std::invalid_argument &e) {
    layer.fail(e.what());
  }
}

Problem parse_conv(const YamlView &layer, const std::string &type, std::int64_t batch,
                   const std::vector<std::string> &extra) {
  const bool depthwise = type == "depthwise";
  std::vector<std::string> keys = {"name", "type", "N", "C",      "P",        "Q",      "H",
                                   "W",    "R",    "S", "stride", "dilation", "padding"};
  if (depthwise) {
    keys.push_back("multiplier");
  } else {
    keys.insert(keys.end(), {"K", "groups"});
  }
  layer.require_keys(with_extra(keys, extra), fmt::format("a {} layer", type));
  ConvShape s;
  s.name = layer.at("name").as_string();
  s.N = get_int(layer, "N").value_or(batch);
  s.C = layer.at("C").as_int(1);
  s.R = layer.at("R").as_int(1);
  s.S = layer.at("S").as_int(1);
  const auto stride = get_pair(layer, "stride", 1).value_or(std::pair{1, 1});
  const auto dil = get_pair(layer, "dilation", 1).value_or(std::pair{1, 1});
  const auto pad = get_pair(layer, "padding", 0).value_or(std::pair{0, 0});
  s.stride_h = stride.first;
  s.stride_w = stride.second;
  s.dilation_h = dil.first;
  s.dilation_w = dil.second;
  s.pad_h = pad.first;
  s.pad_w = pad.second;
  s.P = out_extent(layer, "P", "H", "R", s.R, s.pad_h, s.stride_h, s.dilation_h);
  s.Q = out_extent(layer, "Q", "W", "S", s.S, s.pad_w, s.stride_w, s.dilation_w);
  if (depthwise) {
    s.groups = s.C;
    s.K = s.C * get_int(layer, "multiplier").value_or(1);
  } else {
    s.K = layer.at("K").as_int(1);
    s.groups = get_int(layer, "groups").value_or(1);
    if (s.C % s.groups != 0 || s.K % s.groups != 0) {
      layer.at("groups").fail(
          fmt::format("groups = {} must divide both C = {} and K = {}", s.groups, s.C, s.K));
    }
  }
  return make_checked(layer, s);
}

// "2*P + R" -> terms. Each term is `D`, `c*D` or `D*c` with D a declared dimension.
std::vector<Term> parse_index(const YamlView &item, const std::vector<std::string> &dims) {
  const std::string text = item.as_string();
  std::vector<Term> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t plus = text.find('+', start);
    const std::string term = support::trim(
        text.substr(start, plus == std::string::npos ? std::string::npos : plus - start));
    std::string dim = term;
    std::int64_t coef = 1;
    if (const auto star = term.find('*'); star != std::string::npos) {
      std::string a = support::trim(term.substr(0, star));
      std::string b = support::trim(term.substr(star + 1));
      // Either side may be the dimension: "2*P" and "P*2" both work.
      if (std::find(dims.begin(), dims.end(), a) == dims.end() &&
          std::find(dims.begin(), dims.end(), b) != dims.end()) {
        std::swap(a, b);
      }
      dim = a;
      try {
        std::size_t used = 0;
        coef = std::stoll(b, &used);
        if (used != b.size() || coef < 1) {
          throw std::invalid_argument(b);
        }
      } catch (const std::exception &) {
        item.fail(fmt::format("in '{}': coefficient '{}' must be a positive integer", text, b));
      }
    }
    const auto it = std::find(dims.begin(), dims.end(), dim);
    if (it == dims.end()) {
      item.fail(fmt::format("in '{}': '{}' is not a dimension; dimensions are: {} (terms are "
                            "'D', 'c*D' or 'D*c', joined by '+')",
                            text, dim, join_names(dims)));
    }
    out.push_back({static_cast<int>(it - dims.begin()), coef});
    if (plus == std::string::npos) {
      break;
    }
    start = plus + 1;
  }
  return out;
}

Problem parse_generic(const YamlView &layer, const std::vector<std::string> &extra) {
  layer.require_keys(with_extra({"name", "type", "dims", "tensors"}, extra), "a generic layer");
  Problem p;
  p.name = layer.at("name").as_string();
  const auto dims = layer.at("dims");
  for (const auto &[name, value] : dims.entries()) {
    if (p.dim_names.size() == static_cast<std::size_t>(kMaxDims)) {
      value.fail(fmt::format("at most {} dimensions are supported", kMaxDims));
    }
    p.dim_names.push_back(name);
    p.bounds.push_back(value.as_int(1));
  }
  if (p.dim_names.empty()) {
    dims.fail("give at least one dimension, e.g. {P: 16, R: 3}");
  }
  const auto tensors = layer.at("tensors").items();
  if (tensors.empty() || tensors.size() > static_cast<std::size_t>(kMaxTensors)) {
    layer.at("tensors").fail(
        fmt::format("give 1 to {} tensors, found {}", kMaxTensors, tensors.size()));
  }
  for (const auto &t : tensors) {
    t.require_keys({"name", "read_write", "projection"}, "a tensor");
    TensorSpec spec;
    spec.name = t.at("name").as_string();
    if (auto rw = t.get("read_write")) {
      spec.read_write = rw->as_bool();
    }
    for (const auto &rank : t.at("projection").items()) {
      spec.projection.push_back(parse_index(rank, p.dim_names));
    }
    for (const auto &other : p.tensors) {
      if (other.name == spec.name) {
        t.at("name").fail(fmt::format("tensor '{}' is declared twice", spec.name));
      }
    }
    p.tensors.push_back(std::move(spec));
  }
  return p;
}

Problem parse_any(const YamlView &layer, const std::string &type, std::int64_t default_batch,
                  const std::vector<std::string> &extra_keys) {
  if (type == "conv2d" || type == "depthwise") {
    return parse_conv(layer, type, default_batch, extra_keys);
  }
  if (type == "generic") {
    return parse_generic(layer, extra_keys);
  }
  if (type == "gemm") {
    layer.require_keys(with_extra({"name", "type", "M", "N", "K"}, extra_keys), "a gemm layer");
    return make_gemm(layer.at("name").as_string(), layer.at("M").as_int(1), layer.at("N").as_int(1),
                     layer.at("K").as_int(1));
  }
  // fc: batch N of C inputs to K outputs, i.e. GEMM M=N, K=C, N=K.
  layer.require_keys(with_extra({"name", "type", "N", "C", "K"}, extra_keys), "an fc layer");
  return make_gemm(layer.at("name").as_string(), get_int(layer, "N").value_or(default_batch),
                   layer.at("K").as_int(1), layer.at("C").as_int(1));
}

// The key of a layer entry that sets dimension `dim` of the Problem parse_any built, or "" when
// none does (a batch taken from the network).
std::string key_of_dim(const YamlView &layer, const std::string &type, const std::string &dim) {
  std::string key = dim;
  if (type == "gemm") { // P = M, C = K, K = N
    key = dim == "P" ? "M" : dim == "C" ? "K" : dim == "K" ? "N" : dim;
  } else if (type == "fc") {
    key = dim == "P" ? "N" : dim;
  } else if (type != "generic") {
    const bool depthwise = type == "depthwise";
    if ((dim == "P" || dim == "Q") && !layer.has(dim)) {
      key = dim == "P" ? "H" : "W";
    } else if (dim == "G") {
      key = depthwise ? "C" : "groups";
    } else if (dim == "K" && depthwise) {
      key = layer.has("multiplier") ? "multiplier" : "C";
    }
  }
  return layer.has(key) ? key : "";
}

} // namespace

void require_counts_fit(const YamlView &layer, const CountCheck &check) {
  if (check.ok()) {
    return;
  }
  const std::string type = layer.at("type").as_string();
  std::string key = check.key == "repeat" ? "repeat" : "";
  if (!check.key.empty() && key.empty()) {
    key = type == "generic" ? check.key : key_of_dim(layer, type, check.key);
  }
  const YamlView where =
      type == "generic" && !key.empty() && key != "repeat" ? layer.at("dims") : layer;
  if (!key.empty() && where.has(key)) {
    where.at(key).fail(check.message);
  }
  layer.fail(check.message);
}

Problem parse_problem(const YamlView &layer, std::int64_t default_batch,
                      const std::vector<std::string> &extra_keys) {
  layer.require_map("a layer (name, type and its sizes)");
  const std::vector<std::string> types = {"conv2d", "depthwise", "gemm", "fc", "generic"};
  const std::string type = types[static_cast<std::size_t>(layer.at("type").as_choice(types))];
  Problem p = parse_any(layer, type, default_batch, extra_keys);
  require_counts_fit(layer, check_counts(p));
  return p;
}

Problem load_problem_yaml(const std::string &path) {
  const auto doc = load_yaml_file(path);
  doc.require_keys({"workload"}, "a workload file");
  return parse_problem(doc.at("workload"));
}

namespace {

// Recovers the ConvShape make_conv2d was called with, if `p` is exactly such a problem.
std::optional<ConvShape> as_conv(const Problem &p) {
  const std::vector<std::string> conv_dims = {"R", "S", "P", "Q", "C", "K", "N"};
  auto dims = p.dim_names;
  const bool grouped = dims.size() == 8 && dims.back() == "G";
  if (grouped) {
    dims.pop_back();
  }
  if (dims != conv_dims || p.tensors.size() != 3 || p.tensors[1].projection.size() < 3) {
    return std::nullopt;
  }
  const auto &in = p.tensors[1].projection;
  const auto &h = in[in.size() - 2];
  const auto &w = in[in.size() - 1];
  if (h.size() != 2 || w.size() != 2) {
    return std::nullopt;
  }
  ConvShape s;
  s.name = p.name;
  const std::int64_t g = grouped ? p.bounds[7] : 1;
  s.R = p.bounds[0];
  s.S = p.bounds[1];
  s.P = p.bounds[2];
  s.Q = p.bounds[3];
  s.C = p.bounds[4] * g;
  s.K = p.bounds[5] * g;
  s.N = p.bounds[6];
  s.groups = g;
  s.stride_h = h[0].coef;
  s.dilation_h = h[1].coef;
  s.stride_w = w[0].coef;
  s.dilation_w = w[1].coef;
  try {
    if (same_shape(make_conv2d(s), p)) {
      return s;
    }
  } catch (const std::invalid_argument &) {
  }
  return std::nullopt;
}

void emit_pair(YAML::Emitter &e, const char *key, std::int64_t h, std::int64_t w,
               std::int64_t dflt) {
  if (h == dflt && w == dflt) {
    return;
  }
  e << YAML::Key << key;
  if (h == w) {
    e << YAML::Value << h;
  } else {
    e << YAML::Value << YAML::Flow << YAML::BeginSeq << h << w << YAML::EndSeq;
  }
}

std::string index_text(const Problem &p, const std::vector<Term> &rank) {
  std::string s;
  for (const auto &t : rank) {
    if (!s.empty()) {
      s += " + ";
    }
    s += t.coef == 1 ? p.dim_names[static_cast<std::size_t>(t.dim)]
                     : fmt::format("{}*{}", t.coef, p.dim_names[static_cast<std::size_t>(t.dim)]);
  }
  return s;
}

} // namespace

std::string problem_to_yaml(const Problem &p) {
  YAML::Emitter e;
  e << YAML::BeginMap << YAML::Key << "workload" << YAML::Value << YAML::BeginMap;
  e << YAML::Key << "name" << YAML::Value << p.name;
  if (const auto s = as_conv(p)) {
    const bool gemm = s->Q == 1 && s->R == 1 && s->S == 1 && s->N == 1 && s->groups == 1 &&
                      s->stride_h == 1 && s->stride_w == 1 && s->dilation_h == 1 &&
                      s->dilation_w == 1;
    const bool depthwise = s->groups > 1 && s->groups == s->C;
    if (gemm) {
      e << YAML::Key << "type" << YAML::Value << "gemm";
      e << YAML::Key << "M" << YAML::Value << s->P << YAML::Key << "N" << YAML::Value << s->K
        << YAML::Key << "K" << YAML::Value << s->C;
    } else {
      e << YAML::Key << "type" << YAML::Value << (depthwise ? "depthwise" : "conv2d");
      e << YAML::Key << "N" << YAML::Value << s->N;
      if (!depthwise) {
        e << YAML::Key << "K" << YAML::Value << s->K;
      }
      e << YAML::Key << "C" << YAML::Value << s->C;
      if (depthwise && s->K != s->C) {
        e << YAML::Key << "multiplier" << YAML::Value << s->K / s->C;
      }
      e << YAML::Key << "P" << YAML::Value << s->P << YAML::Key << "Q" << YAML::Value << s->Q;
      e << YAML::Key << "R" << YAML::Value << s->R << YAML::Key << "S" << YAML::Value << s->S;
      emit_pair(e, "stride", s->stride_h, s->stride_w, 1);
      emit_pair(e, "dilation", s->dilation_h, s->dilation_w, 1);
      if (!depthwise && s->groups > 1) {
        e << YAML::Key << "groups" << YAML::Value << s->groups;
      }
    }
  } else {
    e << YAML::Key << "type" << YAML::Value << "generic";
    e << YAML::Key << "dims" << YAML::Value << YAML::Flow << YAML::BeginMap;
    for (std::size_t d = 0; d < p.dim_names.size(); ++d) {
      e << YAML::Key << p.dim_names[d] << YAML::Value << p.bounds[d];
    }
    e << YAML::EndMap << YAML::Key << "tensors" << YAML::Value << YAML::BeginSeq;
    for (const auto &t : p.tensors) {
      e << YAML::Flow << YAML::BeginMap << YAML::Key << "name" << YAML::Value << t.name;
      if (t.read_write) {
        e << YAML::Key << "read_write" << YAML::Value << true;
      }
      e << YAML::Key << "projection" << YAML::Value << YAML::Flow << YAML::BeginSeq;
      for (const auto &rank : t.projection) {
        e << index_text(p, rank);
      }
      e << YAML::EndSeq << YAML::EndMap;
    }
    e << YAML::EndSeq;
  }
  e << YAML::EndMap << YAML::EndMap;
  return std::string(e.c_str()) + "\n";
}

void save_problem_yaml(const std::string &path, const Problem &problem) {
  write_text_atomic(path, problem_to_yaml(problem));
}

} // namespace hcl::sched
