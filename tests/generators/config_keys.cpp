#include <generators/config_keys.h>
#include <generators/generate.h>
#include <generators/pe.h>

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace {

// The key names a table row's cell lists: "`a`, `b`" or "depth (rows), width": aliases too.
std::set<std::string> names_in(std::string cell) {
  std::set<std::string> names;
  for (char &ch : cell)
    if (ch == '`' || ch == '(' || ch == ')' || ch == ',')
      ch = ' ';
  std::istringstream in(cell);
  for (std::string w; in >> w;)
    names.insert(w);
  return names;
}

std::vector<std::string> cells(const std::string &line) {
  std::vector<std::string> c;
  std::string cur;
  for (std::size_t i = 1; i < line.size(); ++i) {
    if (line[i] == '|' && line[i - 1] != '\\') {
      c.push_back(cur);
      cur.clear();
    } else {
      cur += line[i];
    }
  }
  return c;
}

// docs/generators.md: the generators' key table ("| pe | psum_chain | ..."), and the nest
// accelerator's own ("| `in_depth`, `out_depth` | ..." under "Config keys").
std::map<std::string, std::set<std::string>> documented_keys() {
  std::ifstream in(std::filesystem::path(HCL_SOURCE_DIR) / "docs" / "generators.md");
  REQUIRE(in);
  std::map<std::string, std::set<std::string>> keys;
  bool accelerator = false;
  for (std::string line; std::getline(in, line);) {
    if (line.find("**Config keys.**") != std::string::npos)
      accelerator = true;
    if (line.rfind("| ", 0) != 0 || line.rfind("|---", 0) == 0)
      continue;
    const auto c = cells(line);
    if (accelerator && c.size() == 2 && c[0].find('`') != std::string::npos) {
      for (const auto &n : names_in(c[0]))
        keys["accelerator"].insert(n);
      continue;
    }
    if (c.size() == 4) {
      const auto gen = names_in(c[0]);
      if (gen.size() == 1 && *gen.begin() != "generator")
        for (const auto &n : names_in(c[1]))
          keys[*gen.begin()].insert(n);
    }
  }
  return keys;
}

} // namespace

TEST_CASE("config keys: docs/generators.md documents exactly the keys each generator declares") {
  const auto docs = documented_keys();
  for (const auto &g : hcl::gen::generator_keys()) {
    INFO("generator " << g.name);
    std::set<std::string> code;
    for (const auto &k : g.keys)
      code.insert(k.name);
    REQUIRE(docs.count(g.name) == 1);
    std::set<std::string> missing, extra;
    for (const auto &n : code)
      if (!docs.at(g.name).count(n))
        missing.insert(n);
    for (const auto &n : docs.at(g.name))
      if (!code.count(n))
        extra.insert(n);
    INFO("declared but not documented: " << Catch::Detail::stringify(missing));
    INFO("documented but not declared: " << Catch::Detail::stringify(extra));
    CHECK(missing.empty());
    CHECK(extra.empty());
  }
}

TEST_CASE("config keys: set() takes every declared key, and an unknown key's error lists them") {
  hcl::gen::PeConfig pe;
  for (const auto &k : hcl::gen::PeConfig::keys())
    CHECK_NOTHROW(k.parse(pe, k.name,
                          k.values == "true|false" ? "false"
                          : k.values[0] == '['     ? "4"
                                                   : k.values.substr(0, k.values.find('|'))));
  CHECK(pe.data_width == 4);
  CHECK_FALSE(pe.psum_chain);
  CHECK_THROWS_WITH(pe.set("psum_chian", "1"),
                    Catch::Contains("unknown pe parameter; valid: data_width") &&
                        Catch::Contains("psum_chain (true|false)") &&
                        Catch::Contains("stationary (none|weight|input|output)"));
  // params.json shows every key, aliases aside.
  const auto p = pe.to_json()["params"];
  for (const auto &k : hcl::gen::PeConfig::keys())
    CHECK(p.contains(k.name));
}

TEST_CASE("config keys: an alias sets its key and is not shown twice") {
  hcl::gen::GenerateRequest r{"buffer", "", {{"rows", "64"}, {"cols", "4"}}};
  const auto g = hcl::gen::generate(r);
  CHECK(g.params["params"]["depth"] == 64);
  CHECK(g.params["params"]["banks"] == 4);
  CHECK_FALSE(g.params["params"].contains("rows"));
}

TEST_CASE("config keys: the --set help names every generator and key") {
  const std::string h = hcl::gen::set_help();
  for (const auto &g : hcl::gen::generator_keys()) {
    CHECK_THAT(h, Catch::Contains(g.name + ": "));
    for (const auto &k : g.keys)
      CHECK_THAT(h, Catch::Contains(k.name));
  }
  CHECK(hcl::gen::generator_names() ==
        std::vector<std::string>{"pe", "buffer", "array", "controller", "accelerator"});
}
