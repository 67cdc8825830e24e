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

Problem parse_timeloop_problem(const YamlView &doc) {
  doc.require_map("a Timeloop problem file");
  doc.require_keys({"problem"}, "a Timeloop problem file");
  const YamlView prob = doc.at("problem");
  prob.require_map("problem");
  prob.require_keys({"version", "shape", "instance"});
  const YamlView shape = prob.at("shape");
  shape.require_map("shape");
  shape.require_keys({"name", "dimensions", "coefficients", "data_spaces", "data-spaces"});
  Problem p;
  p.name = shape.has("name") ? shape.at("name").as_string() : "timeloop";
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
  std::map<std::string, std::int64_t> coefs;
  if (auto cs = shape.get("coefficients")) {
    for (const auto &c : cs->items()) {
      c.require_map("a coefficient");
      c.require_keys({"name", "default"});
      coefs[c.at("name").as_string()] = c.has("default") ? c.at("default").as_int() : 1;
    }
  }
  const YamlView inst = prob.at("instance");
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
  auto spaces = get_either(shape, "data_spaces", "data-spaces");
  if (!spaces) {
    shape.fail("missing data_spaces");
  }
  for (const auto &ds : spaces->items()) {
    ds.require_map("a data space");
    ds.require_keys({"name", "projection", "read_write", "read-write"});
    TensorSpec t;
    t.name = ds.at("name").as_string();
    if (auto rw = get_either(ds, "read_write", "read-write")) {
      // Timeloop's files are read by a YAML 1.1 parser: True/False are booleans there.
      const std::string v = rw->is_scalar() ? rw->as_string() : "";
      if (v == "True" || v == "TRUE") {
        t.read_write = true;
      } else if (v == "False" || v == "FALSE") {
        t.read_write = false;
      } else {
        t.read_write = rw->as_bool();
      }
    }
    for (const auto &rank : ds.at("projection").items()) {
      std::vector<Term> expr;
      for (const auto &term : rank.items()) {
        // [dim] or [dim, coefficient] where the coefficient is a name or a number.
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
            tm.coef = coefs[c];
          } else if (!c.empty() && (std::isdigit(static_cast<unsigned char>(c[0])) != 0)) {
            tm.coef = parts[1].as_int(1);
          } else {
            parts[1].fail(fmt::format("unknown coefficient '{}'; declare it under "
                                      "shape.coefficients",
                                      c));
          }
        }
        expr.push_back(tm);
      }
      t.projection.push_back(expr);
    }
    p.tensors.push_back(t);
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
