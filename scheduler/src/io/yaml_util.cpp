#include <scheduler/io/yaml_util.h>

#include <support/atomic_write.h>
#include <support/read_file.h>

#include <fmt/format.h>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace hcl::sched {

namespace {

std::string format_error(const std::string &file, int line, const std::string &key,
                         const std::string &message) {
  std::string out = file.empty() ? std::string("<spec>") : file;
  if (line > 0) {
    out += fmt::format(":{}", line);
  }
  out += ": ";
  if (!key.empty()) {
    out += key + ": ";
  }
  return out + message;
}

int mark_line(const YAML::Node &node) {
  const YAML::Mark m = node.Mark();
  // yaml-cpp reports -1 (or a default mark) for nodes it synthesized; treat as unknown.
  return m.line >= 0 && !m.is_null() ? m.line + 1 : 0;
}

std::string describe_kind(const YAML::Node &n) {
  switch (n.Type()) {
  case YAML::NodeType::Map:
    return "a mapping";
  case YAML::NodeType::Sequence:
    return "a list";
  case YAML::NodeType::Null:
    return "nothing";
  case YAML::NodeType::Scalar:
    return fmt::format("'{}'", n.Scalar());
  default:
    return "an undefined value";
  }
}

} // namespace

SpecError::SpecError(std::string file, int line, std::string key, const std::string &message)
    : std::invalid_argument(format_error(file, line, key, message)), file_(std::move(file)),
      line_(line), key_(std::move(key)), message_(message) {}

YamlView::YamlView(const YAML::Node &node, std::string file, std::string key, int line)
    : node_(node), file_(std::move(file)), key_(std::move(key)), line_(line) {}

void YamlView::fail(const std::string &message) const {
  throw SpecError(file_, line_, key_, message);
}

void YamlView::require_map(std::string_view what) const {
  if (!node_.IsMap()) {
    fail(fmt::format("expected {} (a mapping of keys), found {}", what, describe_kind(node_)));
  }
}

void YamlView::require_keys(std::initializer_list<std::string_view> allowed,
                            std::string_view where) const {
  std::vector<std::string> names;
  for (auto a : allowed) {
    names.emplace_back(a);
  }
  require_keys(names, where);
}

void YamlView::require_keys(const std::vector<std::string> &allowed, std::string_view where) const {
  require_map(where.empty() ? std::string_view("a mapping") : where);
  std::set<std::string> seen;
  for (auto it = node_.begin(); it != node_.end(); ++it) {
    const int line = mark_line(it->first);
    if (!it->first.IsScalar()) {
      throw SpecError(file_, line, key_, "keys must be plain names");
    }
    const std::string k = it->first.Scalar();
    bool ok = false;
    for (const auto &a : allowed) {
      ok = ok || a == k;
    }
    if (!ok) {
      const std::string place = where.empty() ? std::string() : fmt::format(" in {}", where);
      throw SpecError(file_, line, k,
                      fmt::format("unknown key{}; valid keys are: {}", place, join_names(allowed)));
    }
    if (!seen.insert(k).second) {
      throw SpecError(file_, line, k, "key given twice");
    }
  }
}

bool YamlView::has(std::string_view key) const { return get(key).has_value(); }

std::optional<YamlView> YamlView::get(std::string_view key) const {
  if (!node_.IsMap()) {
    return std::nullopt;
  }
  for (auto it = node_.begin(); it != node_.end(); ++it) {
    if (it->first.IsScalar() && it->first.Scalar() == key) {
      return YamlView(it->second, file_, std::string(key), mark_line(it->first));
    }
  }
  return std::nullopt;
}

YamlView YamlView::at(std::string_view key) const {
  auto v = get(key);
  if (!v) {
    fail(fmt::format("missing required key '{}'", key));
  }
  return *v;
}

std::vector<std::pair<std::string, YamlView>> YamlView::entries() const {
  require_map("a mapping");
  std::vector<std::pair<std::string, YamlView>> out;
  for (auto it = node_.begin(); it != node_.end(); ++it) {
    const int line = mark_line(it->first);
    if (!it->first.IsScalar()) {
      throw SpecError(file_, line, key_, "keys must be plain names");
    }
    const std::string k = it->first.Scalar();
    for (const auto &e : out) {
      if (e.first == k) {
        throw SpecError(file_, line, k, "key given twice");
      }
    }
    out.emplace_back(k, YamlView(it->second, file_, k, line));
  }
  return out;
}

std::vector<YamlView> YamlView::items() const {
  if (!node_.IsSequence()) {
    fail(fmt::format("expected a list, found {}", describe_kind(node_)));
  }
  std::vector<YamlView> out;
  std::size_t i = 0;
  for (const auto &item : node_) {
    const int line = mark_line(item);
    out.emplace_back(item, file_, fmt::format("{}[{}]", key_, i), line > 0 ? line : line_);
    ++i;
  }
  return out;
}

std::string YamlView::as_string() const {
  if (!node_.IsScalar()) {
    fail(fmt::format("expected a name or text, found {}", describe_kind(node_)));
  }
  return node_.Scalar();
}

std::int64_t YamlView::as_int(std::int64_t min, std::int64_t max) const {
  if (!node_.IsScalar()) {
    fail(fmt::format("expected an integer, found {}", describe_kind(node_)));
  }
  const std::string &s = node_.Scalar();
  std::int64_t v = 0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size()) {
    fail(fmt::format("expected an integer, found '{}'", s));
  }
  if (v < min || v > max) {
    if (max == INT64_MAX) {
      fail(fmt::format("must be at least {}, found {}", min, v));
    }
    fail(fmt::format("must be between {} and {}, found {}", min, max, v));
  }
  return v;
}

double YamlView::as_double(double min, double max) const {
  if (!node_.IsScalar()) {
    fail(fmt::format("expected a number, found {}", describe_kind(node_)));
  }
  const std::string &s = node_.Scalar();
  // strtod instead of from_chars<double>: the latter is missing from some libstdc++ builds.
  errno = 0;
  char *end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (s.empty() || end != s.c_str() + s.size() || errno == ERANGE || !std::isfinite(v)) {
    fail(fmt::format("expected a number, found '{}'", s));
  }
  if (v < min || v > max) {
    if (max >= 1e300) {
      fail(fmt::format("must be at least {}, found {}", min, v));
    }
    fail(fmt::format("must be between {} and {}, found {}", min, max, v));
  }
  return v;
}

bool YamlView::as_bool() const {
  if (node_.IsScalar()) {
    const std::string &s = node_.Scalar();
    // YAML 1.2 core spellings plus the 1.1 on/off and yes/no that yaml-cpp also accepts.
    for (const char *t : {"true", "True", "TRUE", "on", "On", "ON", "yes", "Yes", "YES"}) {
      if (s == t) {
        return true;
      }
    }
    for (const char *f : {"false", "False", "FALSE", "off", "Off", "OFF", "no", "No", "NO"}) {
      if (s == f) {
        return false;
      }
    }
  }
  fail(fmt::format("expected true or false, found {}", describe_kind(node_)));
}

int YamlView::as_choice(const std::vector<std::string> &choices) const {
  const std::string s = as_string();
  for (std::size_t i = 0; i < choices.size(); ++i) {
    if (choices[i] == s) {
      return static_cast<int>(i);
    }
  }
  fail(fmt::format("'{}' is not valid; use one of: {}", s, join_names(choices)));
}

std::vector<std::string> YamlView::as_string_list() const {
  if (node_.IsScalar()) {
    return {node_.Scalar()};
  }
  std::vector<std::string> out;
  for (const auto &item : items()) {
    out.push_back(item.as_string());
  }
  return out;
}

namespace {

YamlView document_view(const YAML::Node &doc, const std::string &name) {
  if (!doc.IsMap()) {
    throw SpecError(name, mark_line(doc), "",
                    "expected a mapping at the top of the file (e.g. 'workload:', 'arch:', "
                    "'schedule:' or 'network:')");
  }
  return YamlView(doc, name, "", 1);
}

} // namespace

namespace {

// timeloopfe's inputs (most of the Timeloop exercises' files) are Jinja2 templates with a merge
// key of its own; they are Timeloop's YAML only once timeloopfe has expanded them, and a YAML
// parser would only call them a syntax error.
void refuse_templates(const std::string &text, const std::string &display_name) {
  std::size_t start = 0;
  for (int line = 1; start < text.size(); ++line) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    const std::string_view l(text.data() + start, end - start);
    const std::size_t first = l.find_first_not_of(" \t");
    const bool comment = first != std::string_view::npos && l[first] == '#';
    const bool jinja =
        l.find("{{") != std::string_view::npos || l.find("{%") != std::string_view::npos;
    if (!comment && (jinja || l.find("<<<:") != std::string_view::npos)) {
      throw SpecError(display_name, line, "",
                      fmt::format("a timeloopfe template ({}), not a spec file: hcl reads the "
                                  "Timeloop YAML that timeloopfe expands it into (its "
                                  "parsed-processed-input.yaml), which Jinja2 templating and "
                                  "timeloopfe's merge key are not part of",
                                  jinja ? "Jinja2 '{{ ... }}' or '{% ... %}'"
                                        : "timeloopfe's '<<<' merge key"));
    }
    start = end + 1;
  }
}

} // namespace

YamlView load_yaml_string(const std::string &text, const std::string &display_name) {
  refuse_templates(text, display_name);
  YAML::Node doc;
  try {
    doc = YAML::Load(text);
  } catch (const YAML::Exception &e) {
    throw SpecError(display_name, e.mark.is_null() ? 0 : e.mark.line + 1, "",
                    "YAML syntax error: " + e.msg);
  }
  return document_view(doc, display_name);
}

YamlView load_yaml_file(const std::string &path) {
  const auto text = support::read_file(path);
  if (!text) {
    throw SpecError(path, 0, "", "cannot open file");
  }
  return load_yaml_string(*text, path);
}

std::string join_names(const std::vector<std::string> &names, std::string_view sep) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) {
      out += sep;
    }
    out += names[i];
  }
  return out;
}

void write_text_atomic(const std::string &path, const std::string &text) {
  try {
    support::write_file_atomic(path, text);
  } catch (const support::WriteError &e) {
    throw SpecError(path, 0, "", "cannot write file: " + e.reason());
  }
}

} // namespace hcl::sched
