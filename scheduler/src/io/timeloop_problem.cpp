#include <scheduler/io/timeloop_import.h>
#include <scheduler/warnings.h>

#include <scheduler/counts.h>

#include "timeloop_common.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>

namespace hcl::sched {

using detail::get_either;

Problem load_timeloop_problem(const std::string &path) {
  return parse_timeloop_problem(load_yaml_file(path));
}

namespace {

using Coefficients = std::map<std::string, std::int64_t>;

void parse_dimensions(const YamlView &shape, Problem &p) {
  for (const auto &d : shape.at("dimensions").items()) {
    const std::string n = d.as_string();
    if (p.dim_index(n) >= 0) {
      d.fail(fmt::format("dimension '{}' is listed twice", n));
    }
    p.dim_names.push_back(n);
  }
  if (p.dim_names.empty() || p.dim_names.size() > static_cast<std::size_t>(kMaxDims)) {
    shape.at("dimensions").fail(fmt::format("needs 1..{} dimensions", kMaxDims));
  }
}

Coefficients parse_coefficients(const YamlView &shape) {
  Coefficients coefs;
  if (auto cs = shape.get("coefficients")) {
    for (const auto &c : cs->items()) {
      c.require_map("a coefficient");
      c.require_keys({"name", "default"});
      coefs[c.at("name").as_string()] = c.has("default") ? c.at("default").as_int() : 1;
    }
  }
  return coefs;
}

// `instance`: every dimension's bound and coefficient values; other scalar keys are ignored,
// as Timeloop does, with a warning.
void parse_instance(const YamlView &inst, Coefficients &coefs, Problem &p) {
  inst.require_map("instance");
  p.bounds.assign(p.dim_names.size(), 0);
  for (const auto &[key, v] : inst.entries()) {
    const int d = p.dim_index(key);
    if (d >= 0) {
      p.bounds[static_cast<std::size_t>(d)] = v.as_int(1);
    } else if (coefs.count(key)) {
      coefs[key] = v.as_int();
    } else if (key == "densities") {
      continue; // sparsity is outside the dense model; accepted so Timeloop files load
    } else if (v.is_scalar()) {
      // Timeloop reads only the shape's dimensions and coefficients from `instance` and
      // ignores every other key (published files carry H, W, Hpad, Wpad for their readers).
      std::vector<std::string> read = p.dim_names;
      for (const auto &[c, _] : coefs) {
        read.push_back(c);
      }
      warn(fmt::format("{}:{}: instance key '{}' is neither a dimension nor a coefficient of "
                       "the shape ({}); Timeloop ignores it, and so does hcl",
                       v.file(), v.line(), key, join_names(read)));
    } else {
      v.fail("an instance key takes a number; only 'densities' takes a map");
    }
  }
  for (std::size_t d = 0; d < p.dim_names.size(); ++d) {
    if (p.bounds[d] == 0) {
      inst.fail(fmt::format("dimension {} has no bound", p.dim_names[d]));
    }
  }
}

// Timeloop's files are read by a YAML 1.1 parser: True/False are booleans there.
bool yaml11_bool(const YamlView &v) {
  const std::string s = v.is_scalar() ? v.as_string() : "";
  if (s == "True" || s == "TRUE") {
    return true;
  }
  if (s == "False" || s == "FALSE") {
    return false;
  }
  return v.as_bool();
}

// A projection term: [dim] or [dim, coefficient] where the coefficient is a name or a number.
Term parse_term(const YamlView &term, const Coefficients &coefs, const Problem &p) {
  const auto parts = term.items();
  if (parts.empty() || parts.size() > 2) {
    term.fail("a projection term is [DIM] or [DIM, COEFFICIENT]");
  }
  Term tm;
  tm.dim = p.dim_index(parts[0].as_string());
  if (tm.dim < 0) {
    parts[0].fail(fmt::format("unknown dimension '{}'; valid are {}", parts[0].as_string(),
                              join_names(p.dim_names)));
  }
  if (parts.size() == 2) {
    const std::string c = parts[1].as_string();
    if (coefs.count(c)) {
      tm.coef = coefs.at(c);
    } else if (!c.empty() && (std::isdigit(static_cast<unsigned char>(c[0])) != 0)) {
      tm.coef = parts[1].as_int(1);
    } else {
      parts[1].fail(fmt::format("unknown coefficient '{}'; declare it under "
                                "shape.coefficients",
                                c));
    }
  }
  return tm;
}

TensorSpec parse_data_space(const YamlView &ds, const Coefficients &coefs, const Problem &p) {
  ds.require_map("a data space");
  ds.require_keys({"name", "projection", "read_write", "read-write"});
  TensorSpec t;
  t.name = ds.at("name").as_string();
  if (auto rw = get_either(ds, "read_write", "read-write")) {
    t.read_write = yaml11_bool(*rw);
  }
  for (const auto &rank : ds.at("projection").items()) {
    std::vector<Term> expr;
    for (const auto &term : rank.items()) {
      expr.push_back(parse_term(term, coefs, p));
    }
    t.projection.push_back(expr);
  }
  return t;
}

} // namespace

Problem parse_timeloop_problem(const YamlView &doc) {
  detail::check_sections(doc, {"problem"}, "a Timeloop problem file");
  const YamlView prob = doc.at("problem");
  prob.require_map("problem");
  prob.require_keys({"version", "shape", "instance"});
  const YamlView shape = prob.at("shape");
  shape.require_map("shape");
  shape.require_keys({"name", "dimensions", "coefficients", "data_spaces", "data-spaces"});
  Problem p;
  p.name = shape.has("name") ? shape.at("name").as_string() : "timeloop";
  parse_dimensions(shape, p);
  Coefficients coefs = parse_coefficients(shape);
  const YamlView inst = prob.at("instance");
  parse_instance(inst, coefs, p);
  auto spaces = get_either(shape, "data_spaces", "data-spaces");
  if (!spaces) {
    shape.fail("missing data_spaces");
  }
  for (const auto &ds : spaces->items()) {
    p.tensors.push_back(parse_data_space(ds, coefs, p));
  }
  if (p.tensors.empty() || p.tensors.size() > static_cast<std::size_t>(kMaxTensors)) {
    spaces->fail(fmt::format("needs 1..{} data spaces", kMaxTensors));
  }
  if (const CountCheck counts = check_counts(p); !counts.ok()) {
    (inst.has(counts.key) ? inst.at(counts.key) : inst).fail(counts.message);
  }
  return p;
}

} // namespace hcl::sched
