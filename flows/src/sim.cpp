#include <flows/errors.h>
#include <flows/sim.h>

#include <fmt/core.h>

#include <cstring>
#include <map>
#include <mutex>

#include <dlfcn.h>

namespace hcl::flows {

namespace fs = std::filesystem;

namespace {
// Mirrors `struct hcl_port` of the generated wrapper (sim_build.cpp).
struct RawPort {
  const char *name;
  std::int32_t width;
  std::int32_t output;
  void *data;
};
} // namespace

// One dlopen of a model's shared object, shared by every Simulator of that design.
class LoadedModel {
public:
  explicit LoadedModel(const fs::path &so) {
    // RTLD_LOCAL: each model carries its own Verilator runtime; keeping its symbols out of the
    // global scope lets several designs be loaded side by side.
    handle_ = ::dlopen(so.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle_ == nullptr) {
      throw UsageError(fmt::format("cannot load verilated model {}: {}", so.string(), ::dlerror()));
    }
    abi = sym<int (*)()>("hcl_sim_abi");
    port_count = sym<int (*)()>("hcl_sim_port_count");
    create = sym<void *(*)(const char *)>("hcl_sim_create");
    ports = sym<RawPort *(*)(void *)>("hcl_sim_ports");
    eval = sym<void (*)(void *)>("hcl_sim_eval");
    dump = sym<void (*)(void *, std::uint64_t)>("hcl_sim_dump");
    destroy = sym<void (*)(void *)>("hcl_sim_destroy");
    if (abi() != 1) {
      throw UsageError(fmt::format("{}: model ABI {} is not supported; delete the cache entry",
                                   so.string(), abi()));
    }
  }
  ~LoadedModel() {
    if (handle_ != nullptr) {
      ::dlclose(handle_);
    }
  }
  LoadedModel(const LoadedModel &) = delete;
  LoadedModel &operator=(const LoadedModel &) = delete;

  int (*abi)() = nullptr;
  int (*port_count)() = nullptr;
  void *(*create)(const char *) = nullptr;
  RawPort *(*ports)(void *) = nullptr;
  void (*eval)(void *) = nullptr;
  void (*dump)(void *, std::uint64_t) = nullptr;
  void (*destroy)(void *) = nullptr;

private:
  template <typename F> F sym(const char *name) {
    void *p = ::dlsym(handle_, name);
    if (p == nullptr) {
      throw UsageError(
          fmt::format("verilated model lacks symbol {}; delete the cache entry", name));
    }
    return reinterpret_cast<F>(p);
  }
  void *handle_ = nullptr;
};

namespace {

std::shared_ptr<LoadedModel> load(const fs::path &so) {
  static std::mutex mu;
  static std::map<fs::path, std::weak_ptr<LoadedModel>> loaded;
  std::lock_guard lock(mu);
  auto &slot = loaded[so];
  if (auto p = slot.lock()) {
    return p;
  }
  auto p = std::make_shared<LoadedModel>(so);
  slot = p;
  return p;
}

int storage_bytes(int width) {
  if (width <= 8) {
    return 1;
  }
  if (width <= 16) {
    return 2;
  }
  if (width <= 32) {
    return 4;
  }
  return 8;
}

std::size_t word_count(int width) { return static_cast<std::size_t>((width + 31) / 32); }

std::uint64_t mask(int width) { return width >= 64 ? ~0ULL : (1ULL << width) - 1; }

bool active_low(const std::string &name) {
  auto ends = [&](std::string_view s) {
    return name.size() >= s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0;
  };
  return ends("_n") || ends("_ni");
}

} // namespace

Simulator::Simulator(const std::vector<fs::path> &files, const std::string &top,
                     const SimOptions &options) {
  ModelOptions mopts = options.model;
  mopts.trace = mopts.trace || !options.vcd.empty();
  built_ = build_model(files, top, mopts);
  lib_ = load(built_.library);
  const std::string vcd = options.vcd.string();
  inst_ = lib_->create(vcd.empty() ? nullptr : vcd.c_str());
  tracing_ = !vcd.empty();
  const int n = lib_->port_count();
  RawPort *raw = lib_->ports(inst_);
  for (int i = 0; i < n; ++i) {
    ports_.push_back({raw[i].name, raw[i].width, raw[i].output != 0});
    data_.push_back(raw[i].data);
  }
  auto find_input = [&](const std::string &name, const char *what) -> long {
    if (name.empty()) {
      return -1;
    }
    if (!has_port(name) || ports_[port(name)].output) {
      destroy_on_error_();
      throw UsageError(fmt::format("top '{}' has no {} input '{}' (set SimOptions::{} to the "
                                   "right name, or to \"\" if there is none)",
                                   top, what, name, what));
    }
    return static_cast<long>(port(name));
  };
  clock_ = find_input(options.clock, "clock");
  reset_ = find_input(options.reset, "reset");
  reset_active_low_ = active_low(options.reset);
  if (reset_ >= 0) {
    // Idle with reset released so that a test that never calls reset() still runs.
    poke(static_cast<PortId>(reset_), reset_active_low_ ? 1 : 0);
  }
  eval();
}

void Simulator::destroy_on_error_() {
  if (inst_ != nullptr) {
    lib_->destroy(inst_);
    inst_ = nullptr;
  }
}

Simulator::~Simulator() {
  if (inst_ != nullptr) {
    lib_->destroy(inst_);
  }
}

bool Simulator::has_port(std::string_view name) const {
  for (const auto &p : ports_) {
    if (p.name == name) {
      return true;
    }
  }
  return false;
}

PortId Simulator::port(std::string_view name) const {
  for (std::size_t i = 0; i < ports_.size(); ++i) {
    if (ports_[i].name == name) {
      return i;
    }
  }
  std::string names;
  for (const auto &p : ports_) {
    names += fmt::format("{}{} {}[{}]", names.empty() ? "" : ", ", p.output ? "out" : "in", p.name,
                         p.width);
  }
  throw UsageError(fmt::format("the design has no port '{}'; its ports are: {}", name, names));
}

void Simulator::poke(PortId id, std::uint64_t value) {
  const auto &p = ports_.at(id);
  if (p.width > 64) {
    poke_words(id, {static_cast<std::uint32_t>(value), static_cast<std::uint32_t>(value >> 32)});
    return;
  }
  if (p.output) {
    throw UsageError(fmt::format("cannot poke output port '{}'", p.name));
  }
  if ((value & ~mask(p.width)) != 0) {
    throw UsageError(
        fmt::format("value {:#x} does not fit {}-bit port '{}'", value, p.width, p.name));
  }
  switch (storage_bytes(p.width)) {
  case 1:
    *static_cast<std::uint8_t *>(data_[id]) = static_cast<std::uint8_t>(value);
    break;
  case 2:
    *static_cast<std::uint16_t *>(data_[id]) = static_cast<std::uint16_t>(value);
    break;
  case 4:
    *static_cast<std::uint32_t *>(data_[id]) = static_cast<std::uint32_t>(value);
    break;
  default:
    *static_cast<std::uint64_t *>(data_[id]) = value;
    break;
  }
  dirty_ = true;
}

void Simulator::poke_words(PortId id, const std::vector<std::uint32_t> &words) {
  const auto &p = ports_.at(id);
  if (p.output) {
    throw UsageError(fmt::format("cannot poke output port '{}'", p.name));
  }
  const std::size_t n = word_count(p.width);
  for (std::size_t i = n; i < words.size(); ++i) {
    if (words[i] != 0) {
      throw UsageError(fmt::format("value does not fit {}-bit port '{}'", p.width, p.name));
    }
  }
  const int top_bits = p.width - static_cast<int>(32 * (n - 1));
  if (words.size() >= n && top_bits < 32 && (words[n - 1] >> top_bits) != 0) {
    throw UsageError(fmt::format("value does not fit {}-bit port '{}'", p.width, p.name));
  }
  if (p.width <= 64) {
    std::uint64_t v = words.empty() ? 0 : words[0];
    if (words.size() > 1) {
      v |= static_cast<std::uint64_t>(words[1]) << 32;
    }
    poke(id, v);
    return;
  }
  auto *dst = static_cast<std::uint32_t *>(data_[id]);
  for (std::size_t i = 0; i < n; ++i) {
    dst[i] = i < words.size() ? words[i] : 0;
  }
  dirty_ = true;
}

std::uint64_t Simulator::peek(PortId id) {
  const auto &p = ports_.at(id);
  if (p.width > 64) {
    throw UsageError(
        fmt::format("port '{}' is {} bits wide; read it with peek_words", p.name, p.width));
  }
  if (dirty_) {
    eval();
  }
  switch (storage_bytes(p.width)) {
  case 1:
    return *static_cast<const std::uint8_t *>(data_[id]);
  case 2:
    return *static_cast<const std::uint16_t *>(data_[id]);
  case 4:
    return *static_cast<const std::uint32_t *>(data_[id]);
  default:
    return *static_cast<const std::uint64_t *>(data_[id]);
  }
}

std::vector<std::uint32_t> Simulator::peek_words(PortId id) {
  const auto &p = ports_.at(id);
  if (p.width <= 64) {
    const std::uint64_t v = peek(id);
    std::vector<std::uint32_t> w{static_cast<std::uint32_t>(v)};
    if (p.width > 32) {
      w.push_back(static_cast<std::uint32_t>(v >> 32));
    }
    return w;
  }
  if (dirty_) {
    eval();
  }
  const auto *src = static_cast<const std::uint32_t *>(data_[id]);
  return {src, src + word_count(p.width)};
}

void Simulator::eval() {
  lib_->eval(inst_);
  dirty_ = false;
}

void Simulator::set_clock(bool level) {
  *static_cast<std::uint8_t *>(data_[static_cast<std::size_t>(clock_)]) = level ? 1 : 0;
  lib_->eval(inst_);
  if (tracing_) {
    lib_->dump(inst_, time_++);
  }
}

void Simulator::step(std::uint64_t n) {
  if (clock_ < 0) {
    throw UsageError("step() needs a clock: set SimOptions::clock to the clock input's name");
  }
  // No separate settle before the edge: Verilator's eval() first propagates changed inputs
  // through combinational logic and only then runs the posedge processes, so inputs poked
  // since the last step are what the flops sample, as if they had settled before the edge.
  for (std::uint64_t i = 0; i < n; ++i) {
    set_clock(true);
    set_clock(false);
  }
  cycle_ += n;
  dirty_ = false;
}

void Simulator::reset(std::uint64_t cycles) {
  if (reset_ < 0) {
    throw UsageError("reset() needs a reset input: set SimOptions::reset to its name");
  }
  const auto id = static_cast<PortId>(reset_);
  poke(id, reset_active_low_ ? 0 : 1);
  step(cycles);
  poke(id, reset_active_low_ ? 1 : 0);
  eval();
}

} // namespace hcl::flows
