// spec_mutator: a mutation fuzzer of the spec readers through the real `hcl` executable.
//
//   spec_mutator --hcl EXE --format ours|timeloop|interstellar --work DIR
//                [--source DIR] [--seed N] [--mutants N] [--only I] [--list]
//
// Seeds are every input file of the format in examples/, tests/data/, tests/*/data/ and
// tests/fuzz/corpus/, recognized by content (top-level key, or the Interstellar JSON keys) so
// that a new example is fuzzed without touching this file. Each mutant is one seed with one to
// three edits (byte flips, deleted or duplicated lines, values swapped between keys, extreme
// numbers, deep nesting, ...), run in the command that reads that kind of file. A mutant fails
// the test when hcl
//   - dies of a signal, or exits with a code other than 0, 1 or 2,
//   - exits 1 with "internal error" (bad input is exit 2, never an internal fault),
//   - exits 2 with a message that does not name the mutated file,
//   - runs past its time limit + 1 s (wall and CPU time), or has to be killed.
// The runs are deterministic: mutant I of seed N is the same file on every machine, and a
// failure prints the seed, the mutant's text and the command to rerun it alone (--only I).
// Only POSIX and the standard library, so it builds wherever the suite does.
#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace {

// splitmix64: the same stream everywhere (std::uniform_int_distribution is not specified
// bit-exactly across standard libraries).
struct Rng {
  std::uint64_t s;
  std::uint64_t next() {
    std::uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  std::size_t below(std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(next() % n); }
  template <class T> const T &pick(const std::vector<T> &v) { return v[below(v.size())]; }
};

// What a seed file is; decides the command a mutant runs in.
enum class Role {
  Workload,
  Arch,
  Schedule,
  Network, // ours
  TlProblem,
  TlArch,
  TlMapping,
  TlErt,
  TlArt, // Timeloop / Accelergy
  IsLayer,
  IsArch,
  IsMapping,
  IsHint, // Interstellar
  Unknown
};

const char *format_of(Role r) {
  switch (r) {
  case Role::Workload:
  case Role::Arch:
  case Role::Schedule:
  case Role::Network:
    return "ours";
  case Role::TlProblem:
  case Role::TlArch:
  case Role::TlMapping:
  case Role::TlErt:
  case Role::TlArt:
    return "timeloop";
  case Role::IsLayer:
  case Role::IsArch:
  case Role::IsMapping:
  case Role::IsHint:
    return "interstellar";
  default:
    return "";
  }
}

std::string read_file(const fs::path &p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

Role classify(const fs::path &p, const std::string &text) {
  const std::string ext = p.extension().string();
  if (ext == ".json") {
    // The tool's files have no kind key; each has one key no other has.
    if (text.find("\"schedule_hint\"") != std::string::npos)
      return Role::IsHint;
    if (text.find("\"blockings\"") != std::string::npos &&
        text.find("\"layers\"") == std::string::npos)
      return Role::IsMapping;
    if (text.find("\"mem_levels\"") != std::string::npos)
      return Role::IsArch;
    if (text.find("\"fmap_width\"") != std::string::npos)
      return Role::IsLayer;
    return Role::Unknown; // e.g. our own JSON results
  }
  if (ext != ".yaml" && ext != ".yml") {
    return Role::Unknown;
  }
  static const std::regex top(R"(^([A-Za-z_]+):)");
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    std::smatch m;
    if (!std::regex_search(line, m, top)) {
      continue;
    }
    static const std::map<std::string, Role> roles = {
        {"workload", Role::Workload}, {"arch", Role::Arch},         {"schedule", Role::Schedule},
        {"network", Role::Network},   {"problem", Role::TlProblem}, {"architecture", Role::TlArch},
        {"mapping", Role::TlMapping}, {"ERT_summary", Role::TlErt}, {"ART_summary", Role::TlArt}};
    const auto it = roles.find(m[1]);
    return it == roles.end() ? Role::Unknown : it->second;
  }
  return Role::Unknown;
}

struct Seed {
  std::string rel; // path relative to the source folder, as printed
  Role role;
  std::string text;
};

// Where every format's inputs live. Sorted, so the seed order (and thus each mutant) is stable.
std::vector<Seed> find_seeds(const fs::path &source, const std::string &format) {
  std::vector<fs::path> roots = {source / "examples", source / "tests" / "data",
                                 source / "tests" / "fuzz" / "corpus"};
  for (const auto &d : fs::directory_iterator(source / "tests")) {
    if (d.is_directory() && fs::is_directory(d.path() / "data")) {
      roots.push_back(d.path() / "data");
    }
  }
  std::vector<std::string> rels;
  for (const auto &root : roots) {
    if (!fs::is_directory(root))
      continue;
    for (const auto &e : fs::recursive_directory_iterator(root)) {
      if (e.is_regular_file())
        rels.push_back(fs::relative(e.path(), source).string());
    }
  }
  std::sort(rels.begin(), rels.end());
  rels.erase(std::unique(rels.begin(), rels.end()), rels.end());
  std::vector<Seed> out;
  std::vector<std::string> texts; // the corpus copies examples: fuzz each text once
  for (const auto &rel : rels) {
    std::string text = read_file(source / rel);
    const Role role = classify(rel, text);
    if (format_of(role) != format || std::find(texts.begin(), texts.end(), text) != texts.end()) {
      continue;
    }
    texts.push_back(text);
    out.push_back({rel, role, std::move(text)});
  }
  return out;
}

// ---- mutations ---------------------------------------------------------------------------------

struct Line {
  std::size_t begin, end;
}; // [begin, end) without the '\n'

std::vector<Line> lines_of(const std::string &t) {
  std::vector<Line> out;
  std::size_t b = 0;
  while (b < t.size()) {
    std::size_t e = t.find('\n', b);
    if (e == std::string::npos)
      e = t.size();
    out.push_back({b, e});
    b = e + 1;
  }
  return out;
}

// Spans of scalar values after "key:" (YAML) or "\"key\":" (JSON), and of numbers. Scanned by
// hand: std::regex recurses per character and overflows the stack on a 70 KB value.
struct Span {
  std::size_t begin, len;
};

bool key_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

std::vector<Span> value_spans(const std::string &t) {
  std::vector<Span> out;
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (t[i] != ':' || i == 0)
      continue;
    std::size_t k = i;
    if (t[k - 1] == '"')
      --k;
    if (k == 0 || !key_char(t[k - 1]))
      continue;
    std::size_t b = i + 1;
    while (b < t.size() && (t[b] == ' ' || t[b] == '\t'))
      ++b;
    std::size_t e = b;
    while (e < t.size() && std::strchr(",{}[]#\n", t[e]) == nullptr)
      ++e;
    while (e > b && (t[e - 1] == ' ' || t[e - 1] == '\r'))
      --e;
    if (e > b)
      out.push_back({b, e - b});
  }
  return out;
}

std::vector<Span> number_spans(const std::string &t) {
  std::vector<Span> out;
  auto digit = [&](std::size_t i) { return i < t.size() && t[i] >= '0' && t[i] <= '9'; };
  for (std::size_t i = 0; i < t.size();) {
    const std::size_t b = i;
    if (t[i] == '-' && digit(i + 1))
      ++i;
    if (!digit(i)) {
      i = b + 1;
      continue;
    }
    while (digit(i))
      ++i;
    if (i < t.size() && t[i] == '.' && digit(i + 1)) {
      for (++i; digit(i); ++i) {
      }
    }
    if (i < t.size() && (t[i] == 'e' || t[i] == 'E')) {
      std::size_t j = i + 1;
      if (j < t.size() && (t[j] == '-' || t[j] == '+'))
        ++j;
      if (digit(j)) {
        for (i = j; digit(i); ++i) {
        }
      }
    }
    out.push_back({b, i - b});
  }
  return out;
}

const std::vector<std::string> kNumbers = {"0",
                                           "-1",
                                           "-7",
                                           "1",
                                           "2",
                                           "3",
                                           "65536",
                                           "2147483648",
                                           "4294967297",
                                           "9223372036854775807",
                                           "9223372036854775808",
                                           "-9223372036854775808",
                                           "18446744073709551616",
                                           "1000000000000000000",
                                           "4611686018427387904",
                                           "3037000500",
                                           "1048576",
                                           "99999999999999999999999",
                                           "1e308",
                                           "1e309",
                                           "-1e308",
                                           "1e-320",
                                           "1.5",
                                           "0.0",
                                           "-0",
                                           "nan",
                                           ".nan",
                                           "NaN",
                                           "inf",
                                           ".inf",
                                           "-.inf",
                                           "Infinity",
                                           "0x10",
                                           "1_000",
                                           "\"\"",
                                           "null",
                                           "~",
                                           "true",
                                           "[]",
                                           "{}"};

const std::vector<std::string> kStrings = {"",
                                           "../../x",
                                           "/abs/path",
                                           "..",
                                           ".",
                                           "a b",
                                           "a\tb",
                                           "x\x01y",
                                           "\xff\xfe",
                                           "\xe2\x80\xae",
                                           "!Container",
                                           "!!binary AAAA",
                                           "*nope",
                                           "&a x",
                                           "<<: *a",
                                           "'unterminated",
                                           "\"\\u0000\"",
                                           "%YAML 1.2",
                                           "---",
                                           "? k",
                                           "| text",
                                           "> text",
                                           "-",
                                           "KB",
                                           "7 KB",
                                           "1e3 B",
                                           "16 GB"};

const std::vector<char> kBytes = {'\0', '\n', '\r', '\t', ' ', ':', '-', '{',    '}',    '[',   ']',
                                  ',',  '"',  '\'', '#',  '&', '*', '!', '%',    '|',    '>',   '?',
                                  '@',  '`',  '\\', '0',  '9', '.', 'e', '\x7f', '\x80', '\xff'};

std::string repeat(const std::string &s, std::size_t n) {
  std::string out;
  out.reserve(s.size() * n);
  for (std::size_t i = 0; i < n; ++i)
    out += s;
  return out;
}

// One edit of `t`; `others` are the other seeds of the format (for splicing). Returns its name.
std::string mutate_once(std::string &t, Rng &r, const std::vector<Seed> &others) {
  const auto lines = lines_of(t);
  auto line_text = [&](const Line &l) { return t.substr(l.begin, l.end - l.begin); };
  switch (r.below(16)) {
  case 0: { // flip a bit
    if (t.empty())
      break;
    const std::size_t i = r.below(t.size());
    t[i] = static_cast<char>(t[i] ^ (1 << r.below(8)));
    return "bit flip at byte " + std::to_string(i);
  }
  case 1: { // set a byte that means something to a parser
    if (t.empty())
      break;
    const std::size_t i = r.below(t.size());
    t[i] = r.pick(kBytes);
    return "byte set at " + std::to_string(i);
  }
  case 2: { // delete a few bytes
    if (t.empty())
      break;
    const std::size_t i = r.below(t.size());
    const std::size_t n = 1 + r.below(16);
    t.erase(i, n);
    return "bytes deleted at " + std::to_string(i);
  }
  case 3: { // delete a line
    if (lines.empty())
      break;
    const std::size_t k = r.below(lines.size());
    t.erase(lines[k].begin, std::min(t.size(), lines[k].end + 1) - lines[k].begin);
    return "line " + std::to_string(k + 1) + " deleted";
  }
  case 4: { // duplicate a line (duplicate keys, extra list items), sometimes many times
    if (lines.empty())
      break;
    const std::size_t k = r.below(lines.size());
    const std::size_t n = r.below(4) == 0 ? 500 : 1;
    t.insert(lines[k].begin, repeat(line_text(lines[k]) + "\n", n));
    return "line " + std::to_string(k + 1) + " duplicated x" + std::to_string(n);
  }
  case 5: { // swap two lines
    if (lines.size() < 2)
      break;
    std::size_t a = r.below(lines.size()), b = r.below(lines.size());
    if (a == b)
      break;
    if (a > b)
      std::swap(a, b);
    const std::string la = line_text(lines[a]), lb = line_text(lines[b]);
    t.replace(lines[b].begin, lb.size(), la);
    t.replace(lines[a].begin, la.size(), lb);
    return "lines " + std::to_string(a + 1) + " and " + std::to_string(b + 1) + " swapped";
  }
  case 6: { // swap the values of two keys
    const auto v = value_spans(t);
    if (v.size() < 2)
      break;
    Span a = r.pick(v), b = r.pick(v);
    if (a.begin == b.begin)
      break;
    if (a.begin > b.begin)
      std::swap(a, b);
    const std::string va = t.substr(a.begin, a.len), vb = t.substr(b.begin, b.len);
    t.replace(b.begin, b.len, va);
    t.replace(a.begin, a.len, vb);
    return "values '" + va + "' and '" + vb + "' swapped";
  }
  case 7:
  case 8: { // an extreme number
    const auto v = number_spans(t);
    if (v.empty())
      break;
    const Span s = r.pick(v);
    const std::string n = r.pick(kNumbers);
    t.replace(s.begin, s.len, n);
    return "number at byte " + std::to_string(s.begin) + " -> " + n;
  }
  case 9: { // a value replaced by an odd string
    const auto v = value_spans(t);
    if (v.empty())
      break;
    const Span s = r.pick(v);
    std::string n = r.below(5) == 0 ? std::string(70000, 'A') : r.pick(kStrings);
    t.replace(s.begin, s.len, n);
    return "value at byte " + std::to_string(s.begin) + " -> a string of " +
           std::to_string(n.size()) + " bytes";
  }
  case 10: { // deep nesting in place of a value
    const auto v = value_spans(t);
    if (v.empty())
      break;
    const Span s = r.pick(v);
    static const std::vector<std::size_t> depths = {64, 600, 3000, 100000};
    const std::size_t d = r.pick(depths);
    const bool map = r.below(2) == 0;
    const std::string open = map ? "{a: " : "[", close = map ? "}" : "]";
    const bool closed = r.below(3) != 0;
    t.replace(s.begin, s.len, repeat(open, d) + "1" + (closed ? repeat(close, d) : ""));
    return "value at byte " + std::to_string(s.begin) + " nested " + std::to_string(d) + " deep";
  }
  case 11: { // truncate
    if (t.empty())
      break;
    const std::size_t n = r.below(t.size());
    t.resize(n);
    return "truncated to " + std::to_string(n) + " bytes";
  }
  case 12: { // a line from another seed of the format
    if (lines.empty() || others.empty())
      break;
    const std::string &o = r.pick(others).text;
    const auto ol = lines_of(o);
    if (ol.empty())
      break;
    const Line l = r.pick(ol);
    const std::size_t k = r.below(lines.size());
    t.replace(lines[k].begin, lines[k].end - lines[k].begin, o.substr(l.begin, l.end - l.begin));
    return "line " + std::to_string(k + 1) + " replaced by a line of another seed";
  }
  case 13: { // re-indent a line
    if (lines.empty())
      break;
    const std::size_t k = r.below(lines.size());
    if (r.below(2) == 0 && t.compare(lines[k].begin, 2, "  ") == 0) {
      t.erase(lines[k].begin, 2);
    } else {
      t.insert(lines[k].begin, r.below(2) == 0 ? "  " : "\t");
    }
    return "line " + std::to_string(k + 1) + " re-indented";
  }
  case 14: { // aliases and anchors: an alias bomb, an undefined alias, a merge key
    static const std::vector<std::string> yaml_bits = {
        "a: &a [x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\n"
        "c: &c [*b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c]\n",
        "x: *undefined\n",
        "<<: {name: merged}\n",
        "? [complex, key]\n: value\n",
        "--- \n",
        "...\n",
        "%TAG ! tag:x,2000:\n",
        "!!map {}\n"};
    const std::string bit = r.pick(yaml_bits);
    const std::size_t at = lines.empty() ? 0 : lines[r.below(lines.size())].begin;
    t.insert(at, bit);
    return "YAML construct inserted at byte " + std::to_string(at);
  }
  default: { // a key typo: one character of a key changed
    const auto v = value_spans(t);
    if (v.empty())
      break;
    const Span s = r.pick(v);
    std::size_t k = s.begin;
    while (k > 0 && t[k - 1] != ':')
      --k;
    if (k < 2)
      break;
    const std::size_t at = k - 2;
    t[at] = static_cast<char>('a' + r.below(26));
    return "key character at byte " + std::to_string(at) + " changed";
  }
  }
  // The chosen edit did not apply to this text: a plain bit flip instead.
  if (!t.empty()) {
    const std::size_t i = r.below(t.size());
    t[i] = static_cast<char>(t[i] ^ 0x20);
  }
  return "fallback bit flip";
}

// ---- the command each kind of file is read by --------------------------------------------------

struct Context {
  std::vector<std::string> args; // "{M}": the mutant; "{W}": the mutant's scratch folder
  double time_limit_s = 1;       // what the command promises
};

std::optional<Context> context_for(const Seed &s, std::size_t index) {
  const std::string small_w = "tests/data/specs/small.workload.yaml";
  const std::string small_a = "tests/data/specs/small.arch.yaml";
  const std::string tl = "tests/data/evaluate/";
  const std::string tiny_generate_mut =
      "generate accelerator --arch tests/flows/data/flow_tpu_4x4.arch.yaml --network "
      "examples/networks/tiny.yaml --schedule {M} -o {W}/acc";
  auto words = [](const std::string &line) {
    std::vector<std::string> out;
    std::istringstream in(line);
    for (std::string w; in >> w;)
      out.push_back(w);
    return out;
  };
  std::smatch m;
  switch (s.role) {
  case Role::Workload:
    // Every third workload mutant goes to explore (more points, same reader).
    if (index % 3 == 2) {
      return Context{words("explore dataflows --problem {M} --arch " + small_a +
                           " --dataflows C|K,R|P --time-limit 1")};
    }
    return Context{words("schedule --problem {M} --arch " + small_a + " --time-limit 1")};
  case Role::Arch:
    return Context{words("schedule --problem " + small_w + " --arch {M} --time-limit 1")};
  case Role::Network:
    // The whole space: the time limit holds for a network's search too (root bounds included).
    return Context{words("schedule --network {M} --arch " + small_a + " --time-limit 1")};
  case Role::Schedule: {
    static const std::regex named(R"(^examples/schedules/([^.]+)\.([^.]+)\.schedule\.yaml$)");
    if (std::regex_match(s.rel, m, named)) {
      return Context{words("evaluate --problem examples/schedules/" + m[1].str() +
                           ".workload.yaml --arch examples/arch/" + m[2].str() +
                           ".yaml --mapping {M}")};
    }
    if (s.rel.rfind("tests/data/specs/", 0) == 0) {
      return Context{
          words("evaluate --problem " + small_w + " --arch " + small_a + " --mapping {M}")};
    }
    if (s.rel.rfind("tests/flows/data/nest_schedules/", 0) == 0) {
      return Context{words(tiny_generate_mut)};
    }
    return std::nullopt;
  }
  case Role::TlProblem:
    return Context{words("schedule --problem {M} --arch " + tl + "sram_rf.arch.yaml --ert " + tl +
                         "ert.yaml --time-limit 1")};
  case Role::TlArch:
    return Context{
        words("schedule --problem " + tl + "conv1d_k.prob.yaml --arch {M} --time-limit 1")};
  case Role::TlMapping:
    if (s.rel.rfind("tests/flows/data/nest_schedules/", 0) == 0) {
      return Context{words(tiny_generate_mut)};
    }
    if (s.rel.rfind(tl, 0) == 0) {
      return Context{words("evaluate --problem " + tl + "conv1d_k.prob.yaml --arch " + tl +
                           "sram_rf.arch.yaml --mapping {M}")};
    }
    if (s.rel.rfind("tests/data/timeloop/exercises/", 0) == 0) {
      // The mapper's result beside the whole processed input it was found for.
      const std::string input =
          fs::path(s.rel).parent_path().string() + "/parsed-processed-input.yaml";
      return Context{words("evaluate --problem " + input + " --arch " + input + " --mapping {M}")};
    }
    return std::nullopt;
  case Role::TlErt:
    return Context{words("evaluate --problem " + tl + "conv1d_k.prob.yaml --arch " + tl +
                         "sram_rf.arch.yaml --mapping " + tl + "k_tiled.map.yaml --ert {M}")};
  case Role::TlArt:
    return Context{words("schedule --problem " + tl + "conv1d_k.prob.yaml --arch " + tl +
                         "sram_rf.arch.yaml --ert " + tl + "ert.yaml --art {M} --time-limit 1")};
  case Role::IsLayer:
    return Context{words("schedule --mode interstellar --problem {M} --arch " + tl +
                         "three_level.arch.json --time-limit 1")};
  case Role::IsArch:
    return Context{words("schedule --mode interstellar --problem " + tl +
                         "small_conv.layer.json --arch {M} --time-limit 1")};
  case Role::IsMapping:
    return Context{words("evaluate --mode interstellar --problem " + tl +
                         "small_conv.layer.json --arch " + tl +
                         "three_level.arch.json --mapping {M}")};
  case Role::IsHint:
    return Context{words("schedule --mode interstellar --problem " + tl +
                         "small_conv.layer.json --arch " + tl +
                         "three_level.arch.json --hint {M} --time-limit 1")};
  default:
    return std::nullopt;
  }
}

// ---- running hcl -------------------------------------------------------------------------------

struct Run {
  bool signaled = false;
  int code = 0;           // exit code, or the signal
  bool killed = false;    // past the hard limit
  double seconds = 0;     // wall time
  double cpu_seconds = 0; // user + system time of hcl and what it waited for
  std::string output;     // stdout + stderr
};

Run run(const std::vector<std::string> &argv, const fs::path &log, double hard_limit_s) {
  Run out;
  const auto start = std::chrono::steady_clock::now();
  const pid_t pid = fork();
  if (pid < 0) {
    std::perror("spec_mutator: fork");
    std::exit(3);
  }
  if (pid == 0) {
    setpgid(0, 0); // its own group, so a hang is ended with whatever it started
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int in = ::open("/dev/null", O_RDONLY);
    if (fd < 0 || in < 0)
      _exit(126);
    dup2(in, 0);
    dup2(fd, 1);
    dup2(fd, 2);
    std::vector<char *> a;
    for (const auto &s : argv)
      a.push_back(const_cast<char *>(s.c_str()));
    a.push_back(nullptr);
    execv(a[0], a.data());
    _exit(127);
  }
  setpgid(pid, pid);
  int status = 0;
  for (;;) {
    struct rusage use {};
    const pid_t w = wait4(pid, &status, WNOHANG, &use);
    if (w == pid) {
      out.cpu_seconds = static_cast<double>(use.ru_utime.tv_sec + use.ru_stime.tv_sec) +
                        1e-6 * static_cast<double>(use.ru_utime.tv_usec + use.ru_stime.tv_usec);
    }
    if (w == pid)
      break;
    if (w < 0 && errno != EINTR) {
      std::perror("spec_mutator: waitpid");
      std::exit(3);
    }
    const double t =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (t > hard_limit_s && !out.killed) {
      kill(-pid, SIGKILL);
      out.killed = true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (WIFSIGNALED(status)) {
    out.signaled = true;
    out.code = WTERMSIG(status);
  } else {
    out.code = WEXITSTATUS(status);
  }
  out.output = read_file(log);
  return out;
}

// Printable form of a mutant for the failure report: control bytes escaped, long files cut.
std::string show(const std::string &t, std::size_t max = 4000) {
  std::string out;
  for (std::size_t i = 0; i < t.size() && i < max; ++i) {
    const unsigned char c = static_cast<unsigned char>(t[i]);
    if (c == '\n' || (c >= 0x20 && c < 0x7f)) {
      out += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    }
  }
  if (t.size() > max)
    out += "\n... (" + std::to_string(t.size() - max) + " more bytes)";
  return out;
}

std::string tail(const std::string &s, std::size_t max = 2000) {
  return s.size() <= max ? s : "..." + s.substr(s.size() - max);
}

int usage(const char *why) {
  std::cerr << "spec_mutator: " << why << "\n"
            << "usage: spec_mutator --hcl EXE --format ours|timeloop|interstellar --work DIR "
               "[--source DIR] [--seed N] [--mutants N] [--only I] [--list]\n";
  return 2;
}

} // namespace

int main(int argc, char **argv) {
  std::string hcl, format, work, source = ".";
  std::uint64_t seed = 1;
  std::size_t mutants = 100;
  std::optional<std::size_t> only;
  bool list = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::exit(usage(("missing value of " + a).c_str()));
      }
      return argv[++i];
    };
    if (a == "--hcl")
      hcl = value();
    else if (a == "--format")
      format = value();
    else if (a == "--work")
      work = value();
    else if (a == "--source")
      source = value();
    else if (a == "--seed")
      seed = std::stoull(value());
    else if (a == "--mutants")
      mutants = std::stoul(value());
    else if (a == "--only")
      only = std::stoul(value());
    else if (a == "--list")
      list = true;
    else
      return usage(("unknown argument " + a).c_str());
  }
  if (hcl.empty() || work.empty() ||
      (format != "ours" && format != "timeloop" && format != "interstellar")) {
    return usage("--hcl, --work and --format are required");
  }
  hcl = fs::absolute(hcl).string();
  if (chdir(source.c_str()) != 0) {
    return usage(("cannot enter --source " + source).c_str());
  }
  const auto seeds = find_seeds(".", format);
  if (seeds.empty()) {
    return usage(("no seed files of format " + format).c_str());
  }
  int failures = 0;
  for (const auto &s : seeds) {
    if (list)
      std::cout << "seed " << s.rel << "\n";
    if (!context_for(s, 0)) {
      // A new kind of input file must be given a command to fuzz it in, not skipped quietly.
      std::cout << "FAIL: no command reads seed " << s.rel << "; add it to context_for()\n";
      ++failures;
    }
  }
  if (failures > 0 || list) {
    return failures > 0 ? 1 : 0;
  }
  const fs::path dir = fs::absolute(work);
  fs::remove_all(dir);
  fs::create_directories(dir);

  double slowest = 0; // wall time
  std::map<int, int> codes;
  const auto start = std::chrono::steady_clock::now();
  for (std::size_t i = 0; i < mutants; ++i) {
    if (only && *only != i)
      continue;
    Rng r{seed * 0x100000001b3ULL + i};
    const Seed &s = seeds[i % seeds.size()];
    std::string text = s.text;
    std::vector<std::string> edits;
    const std::size_t n = 1 + r.below(3);
    for (std::size_t k = 0; k < n; ++k)
      edits.push_back(mutate_once(text, r, seeds));
    const fs::path scratch = dir / ("m" + std::to_string(i));
    fs::create_directories(scratch);
    const std::string mutant = (scratch / fs::path(s.rel).filename()).string();
    {
      std::ofstream out(mutant, std::ios::binary);
      out << text;
    }
    const Context c = *context_for(s, i);
    std::vector<std::string> cmd = {hcl};
    for (auto a : c.args) {
      if (const auto p = a.find("{M}"); p != std::string::npos)
        a.replace(p, 3, mutant);
      if (const auto p = a.find("{W}"); p != std::string::npos)
        a.replace(p, 3, scratch.string());
      cmd.push_back(a);
    }
    const double allowed = c.time_limit_s + 1;
    const Run res = run(cmd, scratch / "output.txt", allowed + 9);
    slowest = std::max(slowest, res.seconds);
    std::string why;
    if (res.signaled) {
      why = "killed by signal " + std::to_string(res.code) + " (" + strsignal(res.code) + ")";
    } else if (res.code != 0 && res.code != 1 && res.code != 2) {
      why = "exit code " + std::to_string(res.code) + " (the contract allows 0, 1, 2)";
    } else if (res.code == 1 && res.output.find("internal error") != std::string::npos) {
      why = "exit 1 with an internal error (bad input must exit 2 naming file and key)";
    } else if (res.code == 2 && res.output.find(mutant) == std::string::npos) {
      why = "exit 2 with a message that does not name the mutated file";
    }
    // Wall time alone would blame hcl for a machine busy with other tests (ctest -j): an
    // overrun counts when hcl also used that much CPU, or when it had to be killed.
    if (why.empty() && (res.killed || std::min(res.seconds, res.cpu_seconds) > allowed)) {
      why = "ran " + std::to_string(res.seconds) + " s (" + std::to_string(res.cpu_seconds) +
            " s of CPU), past its time limit + 1 s (" + std::to_string(allowed) + " s)" +
            (res.killed ? "; killed" : "");
    }
    if (!res.signaled)
      ++codes[res.code];
    if (why.empty()) {
      fs::remove_all(scratch);
      continue;
    }
    ++failures;
    std::string line;
    for (const auto &a : cmd)
      line += (line.empty() ? "" : " ") + a;
    std::cout << "FAIL mutant " << i << " (seed " << seed << ") of " << s.rel << ": " << why << "\n"
              << "  edits: ";
    for (std::size_t k = 0; k < edits.size(); ++k)
      std::cout << (k ? "; " : "") << edits[k];
    std::cout << "\n  command: " << line << "\n  rerun: spec_mutator --hcl " << hcl << " --format "
              << format << " --work " << work << " --seed " << seed << " --mutants " << mutants
              << " --only " << i << "\n  output:\n"
              << tail(res.output) << "\n  mutant file " << mutant << " (kept):\n"
              << show(text) << "\n--- end of mutant " << i << " ---\n";
  }
  const double total =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << "spec_mutator: " << format << ", seed " << seed << ", " << seeds.size()
            << " seed files, " << (only ? 1 : mutants) << " mutants in " << total
            << " s (slowest run " << slowest << " s); exit codes:";
  for (const auto &[code, count] : codes)
    std::cout << " " << code << "x" << count;
  std::cout << "; " << failures << " failures\n";
  return failures > 0 ? 1 : 0;
}
