// Strict reading of our YAML spec files. yaml-cpp alone accepts any key and converts lazily, so
// a typo such as `doube_buffered: true` would silently fall back to a default. Every reader in
// scheduler/ goes through this layer instead: each mapping is checked against the keys valid at
// that place, and each failure is a SpecError that names the file, the 1-based line and the key.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

namespace hcl::sched {

// Bad input in a spec file (or a spec-like structure built in C++). Derives from
// std::invalid_argument so the CLI turns it into exit code 2. what() reads
// "<file>:<line>: <key>: <message>"; the parts are also available separately for callers that
// re-format or test them. line is 1-based, 0 when unknown; key is empty when the error is about
// a whole document or list item.
class SpecError : public std::invalid_argument {
public:
  SpecError(std::string file, int line, std::string key, const std::string &message);
  const std::string &file() const { return file_; }
  int line() const { return line_; }
  const std::string &key() const { return key_; }
  const std::string &message() const { return message_; }

private:
  std::string file_;
  int line_;
  std::string key_;
  std::string message_;
};

// A YAML node together with where it came from, so every accessor can report errors precisely.
// Cheap to copy (yaml-cpp nodes are handles). clang-tidy 14 takes its implicit assignment for
// a noexcept one that can throw (yaml-cpp's handle assignment may allocate).
// NOLINTNEXTLINE(bugprone-exception-escape)
class YamlView {
public:
  YamlView(const YAML::Node &node, std::string file, std::string key, int line);

  const YAML::Node &node() const { return node_; }
  const std::string &file() const { return file_; }
  const std::string &key() const { return key_; } // the key (or "list[3]") this node sits under
  int line() const { return line_; }              // 1-based line of the key, or of the node

  [[noreturn]] void fail(const std::string &message) const;

  bool is_map() const { return node_.IsMap(); }
  bool is_sequence() const { return node_.IsSequence(); }
  bool is_scalar() const { return node_.IsScalar(); }

  // Mapping access. require_keys checks that every key is one of `allowed` (and appears once);
  // the error lists the valid keys. get() returns nothing for absent keys; at() throws.
  void require_map(std::string_view what) const;
  void require_keys(std::initializer_list<std::string_view> allowed,
                    std::string_view where = {}) const;
  void require_keys(const std::vector<std::string> &allowed, std::string_view where = {}) const;
  bool has(std::string_view key) const;
  std::optional<YamlView> get(std::string_view key) const;
  YamlView at(std::string_view key) const;
  // Entries of a mapping in document order (yaml-cpp keeps it), each as (key, value view).
  std::vector<std::pair<std::string, YamlView>> entries() const;
  // Items of a sequence.
  std::vector<YamlView> items() const;

  // Scalar conversions with range checks; errors name the key and the expected form.
  std::string as_string() const;
  std::int64_t as_int(std::int64_t min = INT64_MIN, std::int64_t max = INT64_MAX) const;
  double as_double(double min = -1e300, double max = 1e300) const;
  bool as_bool() const;
  // One of `choices` (case-sensitive); returns its index.
  int as_choice(const std::vector<std::string> &choices) const;
  // A scalar or a list of strings (a one-element list for a scalar).
  std::vector<std::string> as_string_list() const;

private:
  YAML::Node node_;
  std::string file_;
  std::string key_;
  int line_;
};

// Parses `path` into a document view. Syntax errors and unreadable files become SpecError.
YamlView load_yaml_file(const std::string &path);
// Parses text; `display_name` stands in for the file name in errors.
YamlView load_yaml_string(const std::string &text, const std::string &display_name);

// Joins strings as "a, b, c" (used for "valid keys are ..." lists).
std::string join_names(const std::vector<std::string> &names, std::string_view sep = ", ");

// Writes `text` to `path` via a temp file in the same directory and a rename, so readers never
// see a partial spec (scheduler/ cannot use flows/atomic_file.h). Throws SpecError on failure.
void write_text_atomic(const std::string &path, const std::string &text);

} // namespace hcl::sched
