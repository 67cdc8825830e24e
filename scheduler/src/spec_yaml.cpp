#include <scheduler/area.h>
#include <scheduler/counts.h>
#include <scheduler/spec_yaml.h>
#include <scheduler/validate.h>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
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

std::string trim(std::string s) {
  auto ws = [](unsigned char c) { return std::isspace(c) != 0; };
  s.erase(s.begin(), std::find_if_not(s.begin(), s.end(), ws));
  s.erase(std::find_if_not(s.rbegin(), s.rend(), ws).base(), s.end());
  return s;
}

// "2*P + R" -> terms. Each term is `D`, `c*D` or `D*c` with D a declared dimension.
std::vector<Term> parse_index(const YamlView &item, const std::vector<std::string> &dims) {
  const std::string text = item.as_string();
  std::vector<Term> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t plus = text.find('+', start);
    const std::string term =
        trim(text.substr(start, plus == std::string::npos ? std::string::npos : plus - start));
    std::string dim = term;
    std::int64_t coef = 1;
    if (const auto star = term.find('*'); star != std::string::npos) {
      std::string a = trim(term.substr(0, star));
      std::string b = trim(term.substr(star + 1));
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

// ---- problem writer -------------------------------------------------------------------------

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

// ---- architecture ---------------------------------------------------------------------------

const std::vector<std::string> &arch_tensor_names() {
  static const std::vector<std::string> names = {"Weights", "Inputs", "Outputs"};
  return names;
}

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

namespace {

const std::vector<std::string> kKinds = {"dram", "sram", "regfile", "register"};

struct ArchDefaults {
  int word_bits = 16;
  bool table = true;
  bool area_table = false; // area_table: accelergy_40nm
};

std::int64_t parse_size_bytes(const YamlView &v) {
  const std::string s = v.as_string();
  std::size_t i = 0;
  while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) != 0 || s[i] == '.')) {
    ++i;
  }
  const std::string number = s.substr(0, i);
  const std::string unit = trim(s.substr(i));
  const std::map<std::string, double> units = {{"B", 1},        {"KB", 1024},     {"KiB", 1024},
                                               {"MB", 1 << 20}, {"MiB", 1 << 20}, {"GB", 1 << 30},
                                               {"GiB", 1 << 30}};
  const auto u = units.find(unit);
  if (number.empty() || u == units.end()) {
    v.fail(fmt::format("'{}' is not a size; write a number and a unit (B, KB, KiB, MB, MiB, GB, "
                       "GiB; K = 1024), e.g. '108 KB', or give size_words instead",
                       s));
  }
  if (number.size() > 20) { // std::stod would throw out_of_range past 1e308
    v.fail(fmt::format("'{}' is more than {} bytes", s, max_count_text()));
  }
  const double bytes = std::stod(number) * u->second;
  if (bytes < 1 || bytes != std::floor(bytes)) {
    v.fail(fmt::format("'{}' is not a whole number of bytes", s));
  }
  if (bytes > static_cast<double>(kMaxCount)) {
    v.fail(fmt::format("'{}' is more than {} bytes", s, max_count_text()));
  }
  return static_cast<std::int64_t>(bytes);
}

// Reads the storage properties shared by a level and a partition entry into `lv`. Returns
// whether the entry gave its area explicitly.
bool parse_storage(const YamlView &v, Level &lv, const ArchDefaults &d, bool size_required) {
  if (auto wb = v.get("word_bits")) {
    lv.word_bits = static_cast<int>(wb->as_int(1, 1024));
  }
  if (auto b = v.get("block")) {
    lv.block_size = static_cast<int>(b->as_int(1, 1 << 20));
  }
  const auto size = v.get("size");
  const auto size_words = v.get("size_words");
  if (size && size_words) {
    size_words->fail("give either size (with a unit) or size_words, not both");
  }
  if (size) {
    const std::int64_t bytes = parse_size_bytes(*size);
    if ((bytes * 8) % lv.word_bits != 0) {
      size->fail(
          fmt::format("{} bytes is not a whole number of {}-bit words", bytes, lv.word_bits));
    }
    lv.size_words = bytes * 8 / lv.word_bits;
  } else if (size_words) {
    lv.size_words = size_words->as_int(1);
  } else if (size_required) {
    v.fail(fmt::format("level '{}' of kind {} needs a size (e.g. size: 64 KB, or size_words: "
                       "32768); only dram may be unbounded",
                       lv.name, kKinds[static_cast<std::size_t>(lv.kind)]));
  }
  if (auto bw = v.get("bandwidth")) {
    if (bw->is_map()) {
      bw->require_keys({"read", "write"}, "bandwidth");
      lv.read_bandwidth = bw->at("read").as_double(0);
      lv.write_bandwidth = bw->at("write").as_double(0);
    } else {
      lv.read_bandwidth = lv.write_bandwidth = bw->as_double(0);
    }
  }
  if (auto db = v.get("double_buffered")) {
    lv.double_buffered = db->as_bool();
  }
  if (auto en = v.get("energy")) {
    if (en->is_map()) {
      en->require_keys({"read", "write", "update", "leak"},
                       "energy (pJ per vector access; leak per instance per cycle)");
      lv.read_energy_pj = en->at("read").as_double(0);
      lv.write_energy_pj = en->at("write").as_double(0);
      lv.update_energy_pj = en->get("update") ? en->at("update").as_double(0) : lv.write_energy_pj;
      if (auto leak = en->get("leak")) {
        lv.leak_energy_pj = leak->as_double(0);
      }
    } else {
      lv.read_energy_pj = lv.write_energy_pj = lv.update_energy_pj = en->as_double(0);
    }
  } else if (d.table) {
    const std::int64_t bytes = lv.size_words * lv.word_bits / 8;
    if (lv.kind != MemKind::DRAM && bytes == 0) {
      v.fail(fmt::format("level '{}' has no size, so the energy table cannot price it; give "
                         "energy explicitly",
                         lv.name));
    }
    const double e =
        interstellar_word_energy_pj(lv.kind, bytes) * lv.block_size * lv.word_bits / 16.0;
    lv.read_energy_pj = lv.write_energy_pj = lv.update_energy_pj = e;
  }
  if (auto ar = v.get("area_um2")) {
    lv.area_um2 = ar->as_double(0);
    return true;
  }
  if (d.area_table) {
    lv.area_um2 = accelergy40_level_area_um2(lv.kind, lv.size_words, lv.word_bits);
  }
  return false;
}

std::array<bool, kMaxTensors> parse_keep(const YamlView &level) {
  std::array<bool, kMaxTensors> keeps{true, true, true};
  const auto keep = level.get("keep");
  const auto bypass = level.get("bypass");
  if (keep && bypass) {
    bypass->fail("give either keep or bypass, not both");
  }
  if (!keep && !bypass) {
    return keeps;
  }
  const auto &names = arch_tensor_names();
  const YamlView &list = keep ? *keep : *bypass;
  keeps.fill(!keep);
  for (const auto &item : list.is_sequence() ? list.items() : std::vector<YamlView>{list}) {
    const int t = item.as_choice(names);
    keeps[static_cast<std::size_t>(t)] = keep.has_value();
  }
  return keeps;
}

// An area model is all or nothing: with the table every level is priced (explicit area_um2
// overrides it); without it, one explicit area asks for all of them, so that a forgotten level
// is an error rather than a free 0 um^2 under a budget.
void parse_area_model(const YamlView &arch, const ArchDefaults &d,
                      const std::vector<Level> &outer_first, const std::vector<int> &lines,
                      const std::vector<bool> &area_given, Arch &a) {
  const auto mac = arch.get("mac");
  const auto mac_area = mac ? mac->get("area_um2") : std::nullopt;
  if (mac_area) {
    a.mac_area_um2 = mac_area->as_double(0);
  } else if (d.area_table) {
    a.mac_area_um2 = accelergy40_mac_area_um2(a.mac_bits);
  }
  bool any = d.area_table || mac_area.has_value();
  for (const bool g : area_given) {
    any = any || g;
  }
  a.has_area = any;
  if (!any || d.area_table) {
    return;
  }
  for (std::size_t i = 0; i < outer_first.size(); ++i) {
    if (!area_given[i] && outer_first[i].kind != MemKind::DRAM) {
      throw SpecError(arch.file(), lines[i], "area_um2",
                      fmt::format("level '{}' has no area_um2; once any area is given, every "
                                  "on-chip level and the mac need one (or set area_table: "
                                  "accelergy_40nm, which prices the rest)",
                                  outer_first[i].name));
    }
  }
  if (!mac_area) {
    throw SpecError(arch.file(), mac ? mac->line() : arch.line(), "mac",
                    "the mac has no area_um2; once any area is given, every on-chip level and "
                    "the mac need one (or set area_table: accelergy_40nm)");
  }
}

} // namespace

Arch parse_arch(const YamlView &arch) {
  arch.require_keys(
      {"name", "word_bits", "clock_ghz", "mac", "energy_table", "area_table", "levels"}, "arch");
  Arch a;
  a.name = arch.at("name").as_string();
  ArchDefaults d;
  if (auto wb = arch.get("word_bits")) {
    d.word_bits = static_cast<int>(wb->as_int(1, 1024));
  }
  if (auto c = arch.get("clock_ghz")) {
    a.clock_ghz = c->as_double(1e-6);
  }
  if (auto mac = arch.get("mac")) {
    mac->require_keys({"energy_pj", "bits", "area_um2"}, "mac");
    if (auto e = mac->get("energy_pj")) {
      a.mac_energy_pj = e->as_double(0);
    }
    a.mac_bits = mac->get("bits") ? static_cast<int>(mac->at("bits").as_int(1, 1024)) : d.word_bits;
  } else {
    a.mac_bits = d.word_bits;
  }
  if (auto t = arch.get("energy_table")) {
    d.table = t->as_choice({"none", "interstellar"}) == 1;
  }
  if (auto t = arch.get("area_table")) {
    d.area_table = t->as_choice({"none", "accelergy_40nm"}) == 1;
  }
  const auto levels_view = arch.at("levels");
  const auto items = levels_view.items();
  if (items.empty()) {
    levels_view.fail("list at least one level, the backing store first");
  }
  std::vector<Level> outer_first;
  std::vector<int> lines;
  std::vector<bool> area_given;
  for (const auto &item : items) {
    item.require_keys({"name", "kind", "size", "size_words", "word_bits", "block", "bandwidth",
                       "double_buffered", "keep", "bypass", "energy", "area_um2", "mesh",
                       "partitioned"},
                      "an arch level");
    Level base;
    base.name = item.at("name").as_string();
    base.kind = static_cast<MemKind>(item.at("kind").as_choice(kKinds));
    base.word_bits = d.word_bits;
    base.keeps = parse_keep(item);
    bool hop_from_table = false;
    const auto table_hop = [](const Level &lv) {
      return kInterstellarHopEnergyPj * lv.word_bits / 16.0;
    };
    if (auto mesh = item.get("mesh")) {
      mesh->require_keys({"x", "y", "hop_energy_pj"}, "mesh");
      base.fanout_x = mesh->get("x") ? mesh->at("x").as_int(1) : 1;
      base.fanout_y = mesh->get("y") ? mesh->at("y").as_int(1) : 1;
      if (auto hop = mesh->get("hop_energy_pj")) {
        base.hop_energy_pj = hop->as_double(0);
      } else if (d.table) {
        hop_from_table = true; // priced below, once the level's word width is known
      }
    }
    const auto parts = item.get("partitioned");
    if (!parts) {
      area_given.push_back(parse_storage(item, base, d, base.kind != MemKind::DRAM));
      if (hop_from_table) {
        base.hop_energy_pj = table_hop(base);
      }
      outer_first.push_back(base);
      lines.push_back(item.line());
      continue;
    }
    for (const char *k : {"size", "size_words", "keep", "bypass", "energy", "block", "bandwidth",
                          "double_buffered", "area_um2"}) {
      if (auto misplaced = item.get(k)) {
        misplaced->fail(fmt::format("with 'partitioned', give {} in each partition entry "
                                    "(valid keys there: tensor, name, size, size_words, "
                                    "word_bits, block, bandwidth, double_buffered, energy, "
                                    "area_um2)",
                                    k));
      }
    }
    // The group's word width is the default of its partitions.
    if (auto wb = item.get("word_bits")) {
      base.word_bits = static_cast<int>(wb->as_int(1, 1024));
    }
    const auto entries = parts->items();
    if (entries.empty()) {
      parts->fail("list one entry per tensor scratchpad");
    }
    std::array<bool, kMaxTensors> seen{};
    for (std::size_t i = 0; i < entries.size(); ++i) {
      const auto &e = entries[i];
      e.require_keys({"tensor", "name", "size", "size_words", "word_bits", "block", "bandwidth",
                      "double_buffered", "energy", "area_um2"},
                     "a partitioned entry");
      Level lv = base;
      const int t = e.at("tensor").as_choice(arch_tensor_names());
      if (seen[static_cast<std::size_t>(t)]) {
        e.at("tensor").fail(fmt::format("{} has two partitions", arch_tensor_names()[t]));
      }
      seen[static_cast<std::size_t>(t)] = true;
      lv.name = e.get("name") ? e.at("name").as_string()
                              : fmt::format("{}_{}", base.name, arch_tensor_names()[t]);
      lv.keeps = {false, false, false};
      lv.keeps[static_cast<std::size_t>(t)] = true;
      // The mesh sits below the whole group, i.e. below its innermost (last) partition.
      if (i + 1 != entries.size()) {
        lv.fanout_x = lv.fanout_y = 1;
        lv.hop_energy_pj = 0;
      }
      area_given.push_back(parse_storage(e, lv, d, lv.kind != MemKind::DRAM));
      if (hop_from_table && i + 1 == entries.size()) {
        lv.hop_energy_pj = table_hop(lv);
      }
      outer_first.push_back(lv);
      lines.push_back(e.line());
    }
  }
  for (std::size_t i = 0; i < outer_first.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (outer_first[i].name == outer_first[j].name) {
        throw SpecError(arch.file(), lines[i], "name",
                        fmt::format("level name '{}' is used twice", outer_first[i].name));
      }
    }
  }
  const auto &store = outer_first.front();
  for (int t = 0; t < kMaxTensors; ++t) {
    if (!store.keeps[static_cast<std::size_t>(t)]) {
      throw SpecError(arch.file(), lines.front(), "bypass",
                      fmt::format("the first level ('{}') is the backing store and must keep "
                                  "every tensor, but it bypasses {}",
                                  store.name, arch_tensor_names()[static_cast<std::size_t>(t)]));
    }
  }
  parse_area_model(arch, d, outer_first, lines, area_given, a);
  a.levels.assign(outer_first.rbegin(), outer_first.rend());
  if (const CountCheck c = check_arch_counts(a); !c.ok()) {
    throw SpecError(arch.file(), lines[outer_first.size() - 1 - static_cast<std::size_t>(c.level)],
                    c.key, c.message);
  }
  return a;
}

Arch load_arch_yaml(const std::string &path) {
  const auto doc = load_yaml_file(path);
  doc.require_keys({"arch"}, "an architecture file");
  return parse_arch(doc.at("arch"));
}

namespace {
std::string num(double v) { return fmt::format("{}", v); }
} // namespace

std::string arch_to_yaml(const Arch &a) {
  YAML::Emitter e;
  e << YAML::BeginMap << YAML::Key << "arch" << YAML::Value << YAML::BeginMap;
  e << YAML::Key << "name" << YAML::Value << a.name;
  e << YAML::Key << "clock_ghz" << YAML::Value << num(a.clock_ghz);
  e << YAML::Key << "mac" << YAML::Value << YAML::Flow << YAML::BeginMap << YAML::Key << "energy_pj"
    << YAML::Value << num(a.mac_energy_pj) << YAML::Key << "bits" << YAML::Value << a.mac_bits;
  if (a.has_area) {
    e << YAML::Key << "area_um2" << YAML::Value << num(a.mac_area_um2);
  }
  e << YAML::EndMap;
  e << YAML::Key << "energy_table" << YAML::Value << "none";
  e << YAML::Key << "levels" << YAML::Value << YAML::BeginSeq;
  for (auto it = a.levels.rbegin(); it != a.levels.rend(); ++it) {
    const Level &l = *it;
    e << YAML::BeginMap;
    e << YAML::Key << "name" << YAML::Value << l.name;
    e << YAML::Key << "kind" << YAML::Value << kKinds[static_cast<std::size_t>(l.kind)];
    if (l.size_words > 0) {
      e << YAML::Key << "size_words" << YAML::Value << l.size_words;
    }
    e << YAML::Key << "word_bits" << YAML::Value << l.word_bits;
    e << YAML::Key << "block" << YAML::Value << l.block_size;
    if (l.read_bandwidth > 0 || l.write_bandwidth > 0) {
      e << YAML::Key << "bandwidth" << YAML::Value << YAML::Flow << YAML::BeginMap << YAML::Key
        << "read" << YAML::Value << num(l.read_bandwidth) << YAML::Key << "write" << YAML::Value
        << num(l.write_bandwidth) << YAML::EndMap;
    }
    if (l.double_buffered) {
      e << YAML::Key << "double_buffered" << YAML::Value << true;
    }
    if (!(l.keeps[0] && l.keeps[1] && l.keeps[2])) {
      e << YAML::Key << "keep" << YAML::Value << YAML::Flow << YAML::BeginSeq;
      for (int t = 0; t < kMaxTensors; ++t) {
        if (l.keeps[static_cast<std::size_t>(t)]) {
          e << arch_tensor_names()[static_cast<std::size_t>(t)];
        }
      }
      e << YAML::EndSeq;
    }
    e << YAML::Key << "energy" << YAML::Value << YAML::Flow << YAML::BeginMap << YAML::Key << "read"
      << YAML::Value << num(l.read_energy_pj) << YAML::Key << "write" << YAML::Value
      << num(l.write_energy_pj) << YAML::Key << "update" << YAML::Value << num(l.update_energy_pj);
    if (l.leak_energy_pj != 0) {
      e << YAML::Key << "leak" << YAML::Value << num(l.leak_energy_pj);
    }
    e << YAML::EndMap;
    if (a.has_area) {
      e << YAML::Key << "area_um2" << YAML::Value << num(l.area_um2);
    }
    if (l.fanout() > 1 || l.hop_energy_pj != 0) {
      e << YAML::Key << "mesh" << YAML::Value << YAML::Flow << YAML::BeginMap << YAML::Key << "x"
        << YAML::Value << l.fanout_x << YAML::Key << "y" << YAML::Value << l.fanout_y;
      if (l.hop_energy_pj != 0) {
        e << YAML::Key << "hop_energy_pj" << YAML::Value << num(l.hop_energy_pj);
      }
      e << YAML::EndMap;
    }
    e << YAML::EndMap;
  }
  e << YAML::EndSeq << YAML::EndMap << YAML::EndMap;
  return std::string(e.c_str()) + "\n";
}

void save_arch_yaml(const std::string &path, const Arch &arch) {
  write_text_atomic(path, arch_to_yaml(arch));
}

// ---- schedule -------------------------------------------------------------------------------

namespace {

int dim_of(const YamlView &v, const std::string &name, const Problem &p) {
  const int d = p.dim_index(name);
  if (d < 0) {
    v.fail(fmt::format("'{}' is not a dimension of layer '{}'; its dimensions are: {}", name,
                       p.name, join_names(p.dim_names)));
  }
  return d;
}

std::vector<Loop> parse_factors(const YamlView &map, const Problem &p) {
  std::vector<Loop> loops;
  for (const auto &[name, value] : map.entries()) {
    const int d = dim_of(value, name, p);
    const std::int64_t f = value.as_int(1);
    if (f > 1) {
      loops.push_back({d, f});
    }
  }
  return loops;
}

struct ListedLevel {
  int line = 0;
  std::string name;
};

} // namespace

Mapping parse_mapping(const YamlView &sched, const Problem &p, const Arch &a) {
  sched.require_keys({"layer", "arch", "padding", "levels"}, "schedule");
  ValidateOptions opts;
  if (auto pad = sched.get("padding")) {
    opts.allow_padding = pad->as_bool();
  }
  for (const char *info : {"layer", "arch"}) {
    if (auto v = sched.get(info)) {
      v->as_string();
    }
  }
  Mapping m;
  m.levels.resize(a.levels.size());
  for (std::size_t l = 0; l < a.levels.size(); ++l) {
    m.levels[l].keep = a.levels[l].keeps;
  }
  std::vector<ListedLevel> listed(a.levels.size());
  std::vector<std::string> level_names;
  for (auto it = a.levels.rbegin(); it != a.levels.rend(); ++it) {
    level_names.push_back(it->name);
  }
  std::vector<std::string> tensor_names;
  for (const auto &t : p.tensors) {
    tensor_names.push_back(t.name);
  }
  const auto levels_view = sched.at("levels");
  for (const auto &item : levels_view.items()) {
    item.require_keys({"level", "temporal", "order", "spatial", "keep", "bypass"},
                      "a schedule level");
    const auto name_view = item.at("level");
    const std::string name = name_view.as_string();
    int l = -1;
    for (std::size_t i = 0; i < a.levels.size(); ++i) {
      if (a.levels[i].name == name) {
        l = static_cast<int>(i);
      }
    }
    if (l < 0) {
      name_view.fail(fmt::format("'{}' is not a level of architecture '{}'; its levels are: {}",
                                 name, a.name, join_names(level_names)));
    }
    auto &entry = listed[static_cast<std::size_t>(l)];
    if (entry.line != 0) {
      name_view.fail(
          fmt::format("level '{}' is scheduled twice (first at line {})", name, entry.line));
    }
    entry = {item.line(), name};
    LevelMapping &lm = m.levels[static_cast<std::size_t>(l)];
    if (auto t = item.get("temporal")) {
      const auto loops = parse_factors(*t, p);
      std::vector<int> order;
      if (auto o = item.get("order")) {
        for (const auto &dv : o->items()) {
          const int d = dim_of(dv, dv.as_string(), p);
          if (std::find(order.begin(), order.end(), d) != order.end()) {
            dv.fail(fmt::format("'{}' is listed twice in the order", dv.as_string()));
          }
          order.push_back(d);
        }
        for (const auto &loop : loops) {
          if (std::find(order.begin(), order.end(), loop.dim) == order.end()) {
            o->fail(fmt::format("the order at {} does not place {} (factor {}); list every "
                                "dimension with a factor above 1, innermost first",
                                name, p.dim_names[static_cast<std::size_t>(loop.dim)],
                                loop.factor));
          }
        }
      } else if (loops.size() > 1) {
        t->fail(fmt::format(
            "{} has {} temporal loops above 1, so it needs an 'order' (innermost "
            "first), e.g. order: [{}]",
            name, loops.size(),
            fmt::join(std::vector<std::string>{p.dim_names[static_cast<std::size_t>(loops[0].dim)],
                                               p.dim_names[static_cast<std::size_t>(loops[1].dim)]},
                      ", ")));
      } else {
        for (const auto &loop : loops) {
          order.push_back(loop.dim);
        }
      }
      for (int d : order) {
        for (const auto &loop : loops) {
          if (loop.dim == d) {
            lm.temporal.push_back(loop);
          }
        }
      }
    } else if (auto o = item.get("order")) {
      o->fail(fmt::format("an order without temporal factors has no effect at {}; add "
                          "'temporal:' or remove it",
                          name));
    }
    if (auto s = item.get("spatial")) {
      s->require_keys({"X", "Y"}, "spatial (axes X and Y of the mesh below this level)");
      if (auto x = s->get("X")) {
        lm.spatial_x = parse_factors(*x, p);
      }
      if (auto y = s->get("Y")) {
        lm.spatial_y = parse_factors(*y, p);
      }
    }
    const auto keep = item.get("keep");
    const auto bypass = item.get("bypass");
    if (keep && bypass) {
      bypass->fail("give either keep or bypass, not both");
    }
    if (keep || bypass) {
      const YamlView &list = keep ? *keep : *bypass;
      lm.keep = a.levels[static_cast<std::size_t>(l)].keeps;
      if (keep) {
        lm.keep.fill(false);
      }
      for (const auto &tv : list.is_sequence() ? list.items() : std::vector<YamlView>{list}) {
        const int t = tv.as_choice(tensor_names);
        lm.keep[static_cast<std::size_t>(t)] = keep.has_value();
      }
    }
  }

  auto issues = check_mapping(p, a, m, opts);
  if (!issues.empty()) {
    // Lead with an issue we can point at a level entry for; the rest follow as "also".
    std::stable_partition(issues.begin(), issues.end(), [&](const MappingIssue &i) {
      return i.level >= 0 && listed[static_cast<std::size_t>(i.level)].line > 0;
    });
    const auto &first = issues.front();
    int line = levels_view.line();
    std::string key = "levels";
    if (first.level >= 0 && listed[static_cast<std::size_t>(first.level)].line > 0) {
      line = listed[static_cast<std::size_t>(first.level)].line;
      key = listed[static_cast<std::size_t>(first.level)].name;
    } else if (first.dim >= 0) {
      key = p.dim_names[static_cast<std::size_t>(first.dim)];
    }
    std::string message = first.message;
    for (std::size_t i = 1; i < issues.size(); ++i) {
      message += "; also: " + issues[i].message;
    }
    throw SpecError(sched.file(), line, key, message);
  }
  return m;
}

Mapping load_mapping_yaml(const std::string &path, const Problem &problem, const Arch &arch) {
  const auto doc = load_yaml_file(path);
  doc.require_keys({"schedule"}, "a schedule file");
  return parse_mapping(doc.at("schedule"), problem, arch);
}

std::string mapping_to_yaml(const Problem &p, const Arch &a, const Mapping &m) {
  if (m.levels.size() != a.levels.size()) {
    throw SpecError("", 0, "levels",
                    fmt::format("mapping has {} levels, architecture '{}' has {}", m.levels.size(),
                                a.name, a.levels.size()));
  }
  const auto dn = [&](int d) { return p.dim_names.at(static_cast<std::size_t>(d)); };
  YAML::Emitter e;
  e << YAML::BeginMap << YAML::Key << "schedule" << YAML::Value << YAML::BeginMap;
  e << YAML::Key << "layer" << YAML::Value << p.name;
  e << YAML::Key << "arch" << YAML::Value << a.name;
  // Imperfect factorizations (from the search's padding) must say so to load back.
  std::vector<std::int64_t> product(p.dim_names.size(), 1);
  for (const auto &lm : m.levels) {
    for (const auto *loops : {&lm.temporal, &lm.spatial_x, &lm.spatial_y}) {
      for (const auto &loop : *loops) {
        product.at(static_cast<std::size_t>(loop.dim)) *= loop.factor;
      }
    }
  }
  if (product != p.bounds) {
    e << YAML::Key << "padding" << YAML::Value << true;
  }
  e << YAML::Key << "levels" << YAML::Value << YAML::BeginSeq;
  for (std::size_t i = a.levels.size(); i-- > 0;) {
    const auto &lm = m.levels[i];
    e << YAML::BeginMap << YAML::Key << "level" << YAML::Value << a.levels[i].name;
    std::vector<Loop> temporal;
    for (const auto &loop : lm.temporal) {
      if (loop.factor != 1) {
        temporal.push_back(loop);
      }
    }
    if (!temporal.empty()) {
      e << YAML::Key << "temporal" << YAML::Value << YAML::Flow << YAML::BeginMap;
      for (const auto &loop : temporal) {
        e << YAML::Key << dn(loop.dim) << YAML::Value << loop.factor;
      }
      e << YAML::EndMap;
      if (temporal.size() > 1) {
        e << YAML::Key << "order" << YAML::Value << YAML::Flow << YAML::BeginSeq;
        for (const auto &loop : temporal) {
          e << dn(loop.dim);
        }
        e << YAML::EndSeq;
      }
    }
    if (!lm.spatial_x.empty() || !lm.spatial_y.empty()) {
      e << YAML::Key << "spatial" << YAML::Value << YAML::Flow << YAML::BeginMap;
      for (const auto &[axis, loops] : {std::pair{"X", &lm.spatial_x}, {"Y", &lm.spatial_y}}) {
        if (loops->empty()) {
          continue;
        }
        e << YAML::Key << axis << YAML::Value << YAML::Flow << YAML::BeginMap;
        for (const auto &loop : *loops) {
          e << YAML::Key << dn(loop.dim) << YAML::Value << loop.factor;
        }
        e << YAML::EndMap;
      }
      e << YAML::EndMap;
    }
    if (lm.keep != a.levels[i].keeps) {
      e << YAML::Key << "keep" << YAML::Value << YAML::Flow << YAML::BeginSeq;
      for (std::size_t t = 0; t < p.tensors.size(); ++t) {
        if (lm.keep[t]) {
          e << p.tensors[t].name;
        }
      }
      e << YAML::EndSeq;
    }
    e << YAML::EndMap;
  }
  e << YAML::EndSeq << YAML::EndMap << YAML::EndMap;
  return std::string(e.c_str()) + "\n";
}

void save_mapping_yaml(const std::string &path, const Problem &problem, const Arch &arch,
                       const Mapping &mapping) {
  write_text_atomic(path, mapping_to_yaml(problem, arch, mapping));
}

SpecKind detect_spec_kind(const std::string &path) {
  YAML::Node doc;
  try {
    doc = YAML::LoadFile(path);
  } catch (const YAML::BadFile &) {
    throw SpecError(path, 0, "", "cannot open file");
  } catch (const YAML::Exception &e) {
    throw SpecError(path, e.mark.is_null() ? 0 : e.mark.line + 1, "",
                    "YAML syntax error: " + e.msg);
  }
  if (!doc.IsMap()) {
    return SpecKind::Other;
  }
  // Any of our keys decides, even next to stray ones: the loader then names the stray key,
  // which helps more than "not a workload file".
  for (auto it = doc.begin(); it != doc.end(); ++it) {
    const std::string key = it->first.IsScalar() ? it->first.Scalar() : std::string();
    if (key == "workload") {
      return SpecKind::Workload;
    }
    if (key == "arch") {
      return SpecKind::Arch;
    }
    if (key == "schedule") {
      return SpecKind::Schedule;
    }
    if (key == "network") {
      return SpecKind::Network;
    }
  }
  return SpecKind::Other;
}

} // namespace hcl::sched
