#include <flows/errors.h>
#include <flows/vectors.h>

#include <support/read_file.h>

#include <fmt/core.h>
#include <fmt/format.h>

#include <fstream>
#include <sstream>

namespace hcl::flows {

namespace fs = std::filesystem;

namespace {

void trim_zero_words(Bits &b) {
  while (b.size() > 1 && b.back() == 0) {
    b.pop_back();
  }
  if (b.empty()) {
    b.push_back(0);
  }
}

// Parses digits of a power-of-two base into words; returns false on a bad digit.
bool parse_pow2(const std::string &digits, int bits_per_digit, Bits &out) {
  out.assign(1, 0);
  std::size_t bit = 0;
  bool any = false;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    const char c = *it;
    if (c == '_') {
      continue;
    }
    int v = -1;
    if (c >= '0' && c <= '9') {
      v = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      v = c - 'a' + 10;
    } else if (c >= 'A' && c <= 'F') {
      v = c - 'A' + 10;
    }
    if (v < 0 || v >= (1 << bits_per_digit)) {
      return false;
    }
    any = true;
    for (int k = 0; k < bits_per_digit; ++k, ++bit) {
      if (((v >> k) & 1) != 0) {
        if (out.size() <= bit / 32) {
          out.resize(bit / 32 + 1, 0);
        }
        out[bit / 32] |= 1U << (bit % 32);
      }
    }
  }
  trim_zero_words(out);
  return any;
}

std::vector<std::pair<std::string, int>> split_ws(const std::string &s, int col0) {
  std::vector<std::pair<std::string, int>> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r')) {
      ++i;
    }
    const std::size_t start = i;
    while (i < s.size() && s[i] != ' ' && s[i] != '\t' && s[i] != '\r') {
      ++i;
    }
    if (i > start) {
      out.emplace_back(s.substr(start, i - start), col0 + static_cast<int>(start) + 1);
    }
  }
  return out;
}

bool bits_equal(Bits a, Bits b) {
  trim_zero_words(a);
  trim_zero_words(b);
  return a == b;
}

} // namespace

Bits parse_bits(const std::string &token) {
  const std::string valid = "a decimal number, 0x<hex> or 0b<binary>";
  Bits out;
  if (token.size() > 2 && token[0] == '0' && (token[1] == 'x' || token[1] == 'X')) {
    if (parse_pow2(token.substr(2), 4, out)) {
      return out;
    }
  } else if (token.size() > 2 && token[0] == '0' && (token[1] == 'b' || token[1] == 'B')) {
    if (parse_pow2(token.substr(2), 1, out)) {
      return out;
    }
  } else if (!token.empty() && token.find_first_not_of("0123456789_") == std::string::npos) {
    std::uint64_t v = 0;
    for (char c : token) {
      if (c == '_') {
        continue;
      }
      const std::uint64_t d = static_cast<std::uint64_t>(c - '0');
      if (v > (~0ULL - d) / 10) {
        throw UsageError(
            fmt::format("'{}' does not fit 64 bits; write wide values in 0x hex", token));
      }
      v = v * 10 + d;
    }
    out = {static_cast<std::uint32_t>(v), static_cast<std::uint32_t>(v >> 32)};
    trim_zero_words(out);
    return out;
  }
  throw UsageError(fmt::format("'{}' is not a value; expected {}", token, valid));
}

std::string format_bits(const Bits &bits) {
  Bits b = bits;
  trim_zero_words(b);
  std::string s = fmt::format("0x{:x}", b.back());
  for (std::size_t i = b.size() - 1; i-- > 0;) {
    s += fmt::format("{:08x}", b[i]);
  }
  return s;
}

VectorFile parse_vectors_text(const std::string &text, const std::string &source) {
  VectorFile vf;
  vf.source = source;
  std::istringstream in(text);
  std::string line;
  int lineno = 0;
  bool have_header = false;
  auto fail = [&](int col, const std::string &msg) {
    throw UsageError(fmt::format("{}:{}:{}: {}", source, lineno, col, msg));
  };
  while (std::getline(in, line)) {
    ++lineno;
    if (auto hash = line.find('#'); hash != std::string::npos) {
      line.erase(hash);
    }
    if (line.find_first_not_of(" \t\r") == std::string::npos) {
      continue;
    }
    const auto bar = line.find('|');
    if (!have_header) {
      const auto first = line.find_first_not_of(" \t");
      if (line.compare(first, 6, "ports:") != 0) {
        fail(static_cast<int>(first) + 1,
             "expected the header 'ports: <inputs...> | <outputs...>' before any row");
      }
      if (bar == std::string::npos) {
        fail(1, "the header needs a '|' between input and output names");
      }
      const int start = static_cast<int>(first) + 6;
      for (auto &[name, col] : split_ws(
               line.substr(static_cast<std::size_t>(start), bar - static_cast<std::size_t>(start)),
               start)) {
        vf.inputs.push_back(name);
      }
      for (auto &[name, col] : split_ws(line.substr(bar + 1), static_cast<int>(bar) + 1)) {
        vf.outputs.push_back(name);
      }
      if (vf.outputs.empty()) {
        fail(static_cast<int>(bar) + 1, "the header names no output after '|'");
      }
      have_header = true;
      continue;
    }
    if (bar == std::string::npos) {
      fail(1, fmt::format("a row needs {} input value(s), '|', then {} output value(s)",
                          vf.inputs.size(), vf.outputs.size()));
    }
    VectorRow row;
    row.line = lineno;
    const auto ins = split_ws(line.substr(0, bar), 0);
    const auto outs = split_ws(line.substr(bar + 1), static_cast<int>(bar) + 1);
    if (ins.size() != vf.inputs.size()) {
      fail(1, fmt::format("{} input value(s) for {} input column(s) ({})", ins.size(),
                          vf.inputs.size(), fmt::join(vf.inputs, " ")));
    }
    if (outs.size() != vf.outputs.size()) {
      fail(static_cast<int>(bar) + 2,
           fmt::format("{} output value(s) for {} output column(s) ({})", outs.size(),
                       vf.outputs.size(), fmt::join(vf.outputs, " ")));
    }
    auto value = [&](const std::pair<std::string, int> &tok, const std::string &port,
                     bool output) -> std::optional<Bits> {
      if (tok.first == "-" || (output && (tok.first == "x" || tok.first == "X"))) {
        return std::nullopt;
      }
      try {
        return parse_bits(tok.first);
      } catch (const UsageError &e) {
        fail(tok.second, fmt::format("column '{}': {}{}", port, e.what(),
                                     output ? " (or x for don't care)" : " (or - to hold)"));
      }
      return std::nullopt;
    };
    for (std::size_t i = 0; i < ins.size(); ++i) {
      row.in.push_back(value(ins[i], vf.inputs[i], false));
    }
    for (std::size_t i = 0; i < outs.size(); ++i) {
      row.out.push_back(value(outs[i], vf.outputs[i], true));
    }
    vf.rows.push_back(std::move(row));
  }
  if (!have_header) {
    throw UsageError(fmt::format("{}: no 'ports: <inputs> | <outputs>' header", source));
  }
  return vf;
}

VectorFile parse_vectors(const fs::path &path) {
  const auto text = support::read_file(path);
  if (!text) {
    throw UsageError(fmt::format("{}: cannot read vector file", path.string()));
  }
  return parse_vectors_text(*text, path.string());
}

std::string format_vectors(const VectorFile &file) {
  std::string s = "# hcl vectors: one row per cycle; outputs are sampled after the rising edge\n";
  s += fmt::format("ports: {} | {}\n", fmt::join(file.inputs, " "), fmt::join(file.outputs, " "));
  for (const auto &row : file.rows) {
    std::string line;
    for (const auto &v : row.in) {
      line += v ? format_bits(*v) : std::string("-");
      line += ' ';
    }
    line += "|";
    for (const auto &v : row.out) {
      line += ' ';
      line += v ? format_bits(*v) : std::string("x");
    }
    s += line;
    s += '\n';
  }
  return s;
}

std::string VectorReport::summary(const std::string &source) const {
  std::string s;
  for (const auto &m : mismatches) {
    s += fmt::format("cycle {} ({}:{}): port {} expected {} got {}\n", m.cycle,
                     source.empty() ? "vectors" : source, m.line, m.port, m.expected, m.actual);
  }
  if (mismatch_count > mismatches.size()) {
    s += fmt::format("... and {} more mismatch(es)\n", mismatch_count - mismatches.size());
  }
  s += fmt::format("{} cycle(s), {} check(s), {} mismatch(es)\n", cycles, checks, mismatch_count);
  return s;
}

VectorReport run_vectors(Simulator &sim, const VectorFile &vf, std::size_t max_reported) {
  auto resolve = [&](const std::string &name, bool output) {
    if (!sim.has_port(name)) {
      throw UsageError(
          fmt::format("{}: column '{}' is not a port of the design ({})", vf.source, name, [&] {
            try {
              (void)sim.port(name);
            } catch (const UsageError &e) {
              return std::string(e.what());
            }
            return std::string();
          }()));
    }
    const PortId id = sim.port(name);
    if (!output && sim.ports()[id].output) {
      throw UsageError(fmt::format("{}: column '{}' is listed as an input but is an output of "
                                   "the design; move it after '|'",
                                   vf.source, name));
    }
    return id;
  };
  std::vector<PortId> in_ids;
  std::vector<PortId> out_ids;
  for (const auto &n : vf.inputs) {
    in_ids.push_back(resolve(n, false));
  }
  for (const auto &n : vf.outputs) {
    out_ids.push_back(resolve(n, true));
  }
  const bool clocked = [&] {
    try {
      sim.step(0);
      return true;
    } catch (const UsageError &) {
      return false;
    }
  }();
  VectorReport report;
  for (std::size_t r = 0; r < vf.rows.size(); ++r) {
    const auto &row = vf.rows[r];
    for (std::size_t i = 0; i < in_ids.size(); ++i) {
      if (row.in[i]) {
        try {
          sim.poke_words(in_ids[i], *row.in[i]);
        } catch (const UsageError &e) {
          throw UsageError(
              fmt::format("{}:{}: column '{}': {}", vf.source, row.line, vf.inputs[i], e.what()));
        }
      }
    }
    if (clocked) {
      sim.step();
    } else {
      sim.eval();
    }
    for (std::size_t i = 0; i < out_ids.size(); ++i) {
      if (!row.out[i]) {
        continue;
      }
      ++report.checks;
      const Bits actual = sim.peek_words(out_ids[i]);
      if (!bits_equal(actual, *row.out[i])) {
        ++report.mismatch_count;
        if (report.mismatches.size() < max_reported) {
          report.mismatches.push_back(
              {r, row.line, vf.outputs[i], format_bits(*row.out[i]), format_bits(actual)});
        }
      }
    }
    ++report.cycles;
  }
  return report;
}

} // namespace hcl::flows
