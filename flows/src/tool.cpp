#include <flows/errors.h>
#include <flows/tool.h>

#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <stdexcept>

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace hcl::flows {

namespace fs = std::filesystem;

std::optional<fs::path> find_executable(const std::string &name, const std::string &env_override) {
  std::string wanted = name;
  if (!env_override.empty()) {
    if (const char *v = std::getenv(env_override.c_str()); v != nullptr && *v != '\0') {
      wanted = v;
    }
  }
  if (wanted.find('/') != std::string::npos) {
    if (::access(wanted.c_str(), X_OK) == 0 && fs::is_regular_file(wanted)) {
      return fs::absolute(wanted);
    }
    return std::nullopt;
  }
  const char *path = std::getenv("PATH");
  std::string dirs = path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin";
  std::size_t start = 0;
  while (start <= dirs.size()) {
    std::size_t end = dirs.find(':', start);
    if (end == std::string::npos) {
      end = dirs.size();
    }
    fs::path dir = dirs.substr(start, end - start);
    if (dir.empty()) {
      dir = ".";
    }
    fs::path candidate = dir / wanted;
    std::error_code ec;
    if (fs::is_regular_file(candidate, ec) && ::access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
    start = end + 1;
  }
  return std::nullopt;
}

fs::path require_executable(const std::string &name, const std::string &package,
                            const std::string &env_override) {
  if (auto p = find_executable(name, env_override)) {
    return *p;
  }
  throw ToolMissing(name, package);
}

fs::path verilator_executable() {
  return require_executable("verilator", "verilator", "HCL_VERILATOR");
}

fs::path yosys_executable() { return require_executable("yosys", "yosys", "HCL_YOSYS"); }

namespace {

// The process groups of the running children, readable from a signal handler (lock-free
// atomics, no allocation). More concurrent tools than slots only lose the signal forwarding for
// the extra ones; PR_SET_PDEATHSIG still covers them.
std::array<std::atomic<pid_t>, 64> g_children{};
struct sigaction g_previous_int {
}, g_previous_term{};

void forward_and_chain(int sig, siginfo_t *info, void *context) {
  for (auto &c : g_children) {
    if (const pid_t pgid = c.load(); pgid > 0) {
      ::kill(-pgid, SIGKILL);
    }
  }
  const struct sigaction &prev = sig == SIGINT ? g_previous_int : g_previous_term;
  if ((prev.sa_flags & SA_SIGINFO) != 0 && prev.sa_sigaction != nullptr) {
    prev.sa_sigaction(sig, info, context);
  } else if (prev.sa_handler != SIG_DFL && prev.sa_handler != SIG_IGN) {
    prev.sa_handler(sig);
  } else {
    // What the signal would have done without us: end the process.
    ::signal(sig, SIG_DFL);
    ::raise(sig);
  }
}

// A child runs in its own process group, which a terminal's Ctrl-C does not reach, so SIGINT
// and SIGTERM are forwarded to every running child's group (make's compilers included) before
// the handler in place before ours runs. A signal this process ignores stays ignored.
void install_forwarding() {
  static std::once_flag once;
  std::call_once(once, [] {
    for (const int sig : {SIGINT, SIGTERM}) {
      struct sigaction &prev = sig == SIGINT ? g_previous_int : g_previous_term;
      ::sigaction(sig, nullptr, &prev);
      if ((prev.sa_flags & SA_SIGINFO) == 0 && prev.sa_handler == SIG_IGN) {
        continue;
      }
      struct sigaction sa {};
      sa.sa_sigaction = forward_and_chain;
      sa.sa_flags = SA_SIGINFO | SA_RESTART;
      sigemptyset(&sa.sa_mask);
      ::sigaction(sig, &sa, nullptr);
    }
  });
}

struct ChildSlot {
  std::atomic<pid_t> *slot = nullptr;
  explicit ChildSlot(pid_t pgid) {
    for (auto &c : g_children) {
      pid_t free = 0;
      if (c.compare_exchange_strong(free, pgid)) {
        slot = &c;
        return;
      }
    }
  }
  ~ChildSlot() {
    if (slot != nullptr) {
      slot->store(0);
    }
  }
  ChildSlot(const ChildSlot &) = delete;
  ChildSlot &operator=(const ChildSlot &) = delete;
};

// Every complete line of `text` from `seen` on, to `on_line`; `seen` moves past them.
void pass_lines(const std::string &text, std::size_t &seen,
                const std::function<void(const std::string &)> &on_line) {
  for (std::size_t nl; (nl = text.find('\n', seen)) != std::string::npos; seen = nl + 1) {
    on_line(text.substr(seen, nl - seen));
  }
}

} // namespace

ProcessResult run_process(const std::vector<std::string> &argv, const fs::path &cwd,
                          const std::function<void(const std::string &)> &on_line) {
  if (argv.empty()) {
    throw std::runtime_error("run_process: empty command");
  }
  install_forwarding();
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    throw std::runtime_error(fmt::format("pipe: {}", std::strerror(errno)));
  }
  std::vector<char *> args;
  args.reserve(argv.size() + 1);
  for (const auto &a : argv) {
    args.push_back(const_cast<char *>(a.c_str()));
  }
  args.push_back(nullptr);
  // Tools read nothing; a child outside the terminal's foreground group must not try.
  const int null_in = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    if (null_in >= 0) {
      ::close(null_in);
    }
    throw std::runtime_error(fmt::format("fork: {}", std::strerror(errno)));
  }
  if (pid == 0) {
    // Only async-signal-safe calls between fork and exec. Its own process group lets the
    // parent end the tool together with everything it started; PDEATHSIG ends the tool even
    // when the parent is killed with SIGKILL and runs no handler.
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) {
      ::_exit(127); // the parent died before prctl took effect
    }
    if (null_in >= 0) {
      ::dup2(null_in, 0);
    }
    ::dup2(fds[1], 1);
    ::dup2(fds[1], 2);
    if (!cwd.empty() && ::chdir(cwd.c_str()) != 0) {
      ::_exit(127);
    }
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  ::setpgid(pid, pid); // also here: the signal forwarding must not race the child's own call
  const ChildSlot registered(pid);
  ::close(fds[1]);
  if (null_in >= 0) {
    ::close(null_in);
  }
  ProcessResult result;
  std::size_t seen = 0; // result.output up to here went to on_line
  char buf[65536];
  for (;;) {
    const ssize_t n = ::read(fds[0], buf, sizeof buf);
    if (n > 0) {
      result.output.append(buf, static_cast<std::size_t>(n));
      if (on_line) {
        pass_lines(result.output, seen, on_line);
      }
    } else if (n == 0 || errno != EINTR) {
      break;
    }
  }
  ::close(fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) {
    result.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result.exit_code = 128 + WTERMSIG(status);
  }
  return result;
}

const std::string &tool_version(const fs::path &exe, const std::string &flag) {
  static std::mutex mu;
  static std::map<std::pair<std::string, std::string>, std::string> versions;
  std::lock_guard lock(mu);
  const auto key = std::pair{exe.string(), flag};
  auto it = versions.find(key);
  if (it == versions.end()) {
    it = versions.emplace(key, run_process({exe.string(), flag}).output).first;
  }
  return it->second;
}

std::string tail_lines(const std::string &text, std::size_t n) {
  std::size_t pos = text.size();
  if (pos > 0 && text[pos - 1] == '\n') {
    --pos;
  }
  std::size_t count = 0;
  while (pos > 0) {
    --pos;
    if (text[pos] == '\n' && ++count == n) {
      return text.substr(pos + 1);
    }
  }
  return text;
}

std::vector<fs::path> collect_verilog(const std::vector<fs::path> &paths) {
  std::vector<fs::path> files;
  for (const auto &p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      std::vector<fs::path> found;
      for (const auto &entry : fs::directory_iterator(p)) {
        const auto ext = entry.path().extension();
        if (entry.is_regular_file() && (ext == ".v" || ext == ".sv")) {
          found.push_back(entry.path());
        }
      }
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
    } else if (fs::is_regular_file(p, ec)) {
      files.push_back(p);
    } else {
      throw UsageError(fmt::format("{}: no such file or folder (expected Verilog files or a "
                                   "folder holding *.v / *.sv files)",
                                   p.string()));
    }
  }
  if (files.empty()) {
    throw UsageError("no Verilog sources given: pass *.v / *.sv files or a folder holding them");
  }
  return files;
}

} // namespace hcl::flows
