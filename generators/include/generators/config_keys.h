// One table of keys per generator config. A key is declared once, with how `--set key=value`
// parses into the config and a line of documentation. The config's set(), the "valid:" list
// of its errors, the --set help of `hcl generate` and the test that holds docs/generators.md
// to the code are derived from that table, so none of them can name a key the others lack.
//
//   const std::vector<ConfigKey<MyConfig>> &MyConfig::keys() {
//     static const std::vector<ConfigKey<MyConfig>> k = {
//         int_key("depth", &MyConfig::depth, 2, 1 << 20, "words per bank"),
//         bool_key("double_buffer", &MyConfig::double_buffer, "ping-pong halves")};
//     return k;
//   }
//   void MyConfig::set(const std::string &key, const std::string &value) {
//     set_key(keys(), *this, "my", key, value);
//   }
#pragma once

#include <generators/params.h>
#include <generators/require.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace hcl::gen {

template <class Cfg> struct ConfigKey {
  std::string name;
  std::string values; // what it takes, e.g. "[1, 32]" or "tree|chain"
  std::string doc;    // what it means, one line
  // Parses `value` into the config; throws ConfigError(key, ...) for a malformed value.
  std::function<void(Cfg &, const std::string &key, const std::string &value)> parse;
  // The value as params.json shows it; empty for an alias (its key shows it).
  std::function<nlohmann::json(const Cfg &)> show;
};

// An integer in [lo, hi] (the parse range; validate() may narrow it, naming the rule).
template <class Cfg, class I>
ConfigKey<Cfg> int_key(const char *name, I Cfg::*member, std::int64_t lo, std::int64_t hi,
                       const char *doc) {
  return {name, fmt::format("[{}, {}]", lo, hi), doc,
          [member, lo, hi](Cfg &c, const std::string &k, const std::string &v) {
            c.*member = static_cast<I>(parse_int(k, v, lo, hi));
          },
          [member](const Cfg &c) { return nlohmann::json(c.*member); }};
}

template <class Cfg> ConfigKey<Cfg> bool_key(const char *name, bool Cfg::*member, const char *doc) {
  return {name, "true|false", doc,
          [member](Cfg &c, const std::string &k, const std::string &v) {
            c.*member = parse_bool(k, v);
          },
          [member](const Cfg &c) { return nlohmann::json(c.*member); }};
}

// One of the named `choices`, stored as its value of type T (an enum or a string).
template <class Cfg, class T>
ConfigKey<Cfg> choice_key(const char *name, T Cfg::*member,
                          std::vector<std::pair<std::string, T>> choices, const char *doc) {
  std::vector<std::string> names;
  names.reserve(choices.size());
  for (const auto &[n, value] : choices) {
    names.push_back(n);
  }
  return {name, fmt::format("{}", fmt::join(names, "|")), doc,
          [member, choices, names](Cfg &c, const std::string &k, const std::string &v) {
            const std::string chosen = parse_choice(k, v, names);
            for (const auto &[n, value] : choices) {
              if (n == chosen) {
                c.*member = value;
              }
            }
          },
          [member, choices](const Cfg &c) {
            for (const auto &[n, value] : choices) {
              if (value == c.*member) {
                return nlohmann::json(n);
              }
            }
            return nlohmann::json();
          }};
}

// Another spelling of the key `target` (e.g. the buffer's `rows` for `depth`).
template <class Cfg> ConfigKey<Cfg> alias_key(const char *name, const ConfigKey<Cfg> &target) {
  return {name, target.values, fmt::format("alias of {}", target.name), target.parse, {}};
}

// A key as documentation: name, values and meaning, whatever the config.
struct KeyDoc {
  std::string name, values, doc;
};
template <class Cfg> std::vector<KeyDoc> key_docs(const std::vector<ConfigKey<Cfg>> &keys) {
  std::vector<KeyDoc> d;
  d.reserve(keys.size());
  for (const auto &k : keys) {
    d.push_back({k.name, k.values, k.doc});
  }
  return d;
}

// "preset (tpu|tree), rows, ..., signed (true|false)": keys for a --help text, each with its
// values unless it takes a number.
inline std::string key_help(const std::vector<KeyDoc> &keys) {
  std::vector<std::string> parts;
  parts.reserve(keys.size());
  for (const auto &k : keys) {
    parts.push_back(
        k.values.empty() || k.values[0] == '[' ? k.name : fmt::format("{} ({})", k.name, k.values));
  }
  return fmt::format("{}", fmt::join(parts, ", "));
}
template <class Cfg> std::string key_help(const std::vector<ConfigKey<Cfg>> &keys) {
  return key_help(key_docs(keys));
}

// params.json's "params": every key (aliases aside) with its value in `c`.
template <class Cfg>
nlohmann::json params_json(const std::vector<ConfigKey<Cfg>> &keys, const Cfg &c) {
  nlohmann::json p = nlohmann::json::object();
  for (const auto &k : keys) {
    if (k.show) {
      p[k.name] = k.show(c);
    }
  }
  return p;
}

// Sets the field `key` names; an unknown key throws ConfigError listing the table.
// `generator` names the config in the message ("pe", "buffer").
template <class Cfg>
void set_key(const std::vector<ConfigKey<Cfg>> &keys, Cfg &c, const char *generator,
             const std::string &key, const std::string &value) {
  for (const auto &k : keys) {
    if (k.name == key) {
      k.parse(c, key, value);
      return;
    }
  }
  throw ConfigError(key, fmt::format("unknown {} parameter; valid: {}", generator, key_help(keys)));
}

} // namespace hcl::gen
