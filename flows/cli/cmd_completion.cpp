// `hcl completion bash`: a bash completion script generated from the parser itself, so every
// command, subcommand and option that --help shows completes, and nothing that does not.
#include "command.h"

#include <flows/errors.h>

#include <fmt/core.h>
#include <fmt/format.h>

#include <string>
#include <vector>

namespace {

// One (sub)command: the words that select it, the words that may follow it, and its options
// that take a value (after which a file name is completed).
struct Node {
  std::string path; // "hcl explore memory"
  std::vector<std::string> words;
  std::vector<std::string> value_options;
};

void collect(const CLI::App &app, const std::string &path, std::vector<Node> &out) {
  Node n{path, {}, {}};
  const auto subs = app.get_subcommands([](const CLI::App *) { return true; });
  for (const CLI::App *s : subs) {
    n.words.push_back(s->get_name());
  }
  for (const CLI::Option *o : app.get_options()) {
    if (o->get_positional() && o->get_lnames().empty() && o->get_snames().empty()) {
      continue;
    }
    std::vector<std::string> names;
    for (const auto &l : o->get_lnames()) {
      names.push_back("--" + l);
    }
    for (const auto &s : o->get_snames()) {
      names.push_back("-" + s);
    }
    n.words.insert(n.words.end(), names.begin(), names.end());
    if (o->get_items_expected_min() > 0) {
      n.value_options.insert(n.value_options.end(), names.begin(), names.end());
    }
  }
  out.push_back(n);
  for (const CLI::App *s : subs) {
    collect(*s, path + " " + s->get_name(), out);
  }
}

std::string bash_script(const CLI::App &root) {
  std::vector<Node> nodes;
  collect(root, "hcl", nodes);
  std::string steps, values, words;
  for (const auto &n : nodes) {
    if (n.path != "hcl") {
      steps += fmt::format("      \"{}\") path=\"$path $w\" ;;\n", n.path);
    }
    for (const auto &v : n.value_options) {
      values += fmt::format("    \"{}|{}\") COMPREPLY=($(compgen -f -- \"$cur\")); return ;;\n",
                            n.path, v);
    }
    words += fmt::format("    \"{}\") words=\"{}\" ;;\n", n.path, fmt::join(n.words, " "));
  }
  return fmt::format(R"(# bash completion for hcl, written by `hcl completion bash`; load it with
#   source <(hcl completion bash)
# or install it as bash-completion/completions/hcl (cmake --install does).
_hcl() {{
  local cur=${{COMP_WORDS[COMP_CWORD]}} prev=${{COMP_WORDS[COMP_CWORD-1]}} path=hcl w i words=
  for ((i = 1; i < COMP_CWORD; i++)); do
    w=${{COMP_WORDS[i]}}
    case "$path $w" in
{}    esac
  done
  case "$path|$prev" in
{}  esac
  case "$path" in
{}  esac
  if [[ $cur == -* || $path == hcl ]]; then
    COMPREPLY=($(compgen -W "$words" -- "$cur"))
  else
    COMPREPLY=($(compgen -W "$words" -- "$cur") $(compgen -f -- "$cur"))
  fi
}}
complete -o filenames -F _hcl hcl
)",
                     steps, values, words);
}

const hcl::cli::RegisterCommand reg_completion{
    "completion", "Print a shell completion script for hcl (bash): source <(hcl completion bash)",
    [](CLI::App &cmd) -> hcl::cli::RunFn {
      auto shell = std::make_shared<std::string>();
      cmd.add_option("shell", *shell, "The shell to complete in: bash")->required();
      return [&cmd, shell]() {
        if (*shell != "bash") {
          throw hcl::flows::UsageError(
              fmt::format("completion: shell '{}' is not supported; valid: bash", *shell));
        }
        fmt::print("{}", bash_script(*cmd.get_parent()));
        return 0;
      };
    }};

} // namespace
