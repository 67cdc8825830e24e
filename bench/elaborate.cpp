// Elaboration + emission speed of hcl on an R x C output-stationary array of 8-bit signed MAC
// PEs (registered multiply-accumulate into a 32-bit accumulator, operands forwarded to the
// right and downward neighbours). Each size runs in a fresh child process so the peak RSS is
// that size's alone.
// Targets: 128x128 in under 1 s and 1 GiB; 256x256 in under 5 s.
#include <hcl/hcl.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace {

using namespace hcl;

struct MacPE {
  std::string name() const { return "MacPE"; }
  void body() const {
    auto a_in = Input("a_in", SInt(8));
    auto b_in = Input("b_in", SInt(8));
    auto en = Input("en", Bool());
    auto a_out = Output("a_out", SInt(8));
    auto b_out = Output("b_out", SInt(8));
    auto acc_out = Output("acc", SInt(32));
    auto acc = RegInit(SInt(32), 0, "acc_q");
    when(en, [&] { acc <<= acc.add_wrap((a_in * b_in).sext(32)); });
    a_out <<= RegNext(a_in, "a_q");
    b_out <<= RegNext(b_in, "b_q");
    acc_out <<= acc;
  }
};

struct Array {
  int rows, cols;
  std::string name() const {
    return "MacArray" + std::to_string(rows) + "x" + std::to_string(cols);
  }
  void body() const {
    auto en = Input("en", Bool());
    std::vector<Signal> left, top;
    for (int r = 0; r < rows; ++r)
      left.push_back(Input("a_" + std::to_string(r), SInt(8)));
    for (int c = 0; c < cols; ++c)
      top.push_back(Input("b_" + std::to_string(c), SInt(8)));
    std::vector<Instance> prev_row, row;
    for (int r = 0; r < rows; ++r) {
      row.clear();
      for (int c = 0; c < cols; ++c) {
        std::string id = std::to_string(r) + "_" + std::to_string(c);
        Instance pe = instance("pe_" + id, MacPE{});
        pe["en"] <<= en;
        pe["a_in"] <<= c == 0 ? left[r] : row.back()["a_out"];
        pe["b_in"] <<= r == 0 ? top[c] : prev_row[c]["b_out"];
        Output("acc_" + id, SInt(32)) <<= pe["acc"];
        row.push_back(pe);
      }
      prev_row = row;
    }
  }
};

int run_one(int n, const std::filesystem::path &dir) {
  auto t0 = std::chrono::steady_clock::now();
  Design d = elaborate(Array{n, n});
  auto t1 = std::chrono::steady_clock::now();
  EmitResult r = emit_verilog(d, dir);
  auto t2 = std::chrono::steady_clock::now();
  std::uintmax_t bytes = 0;
  for (const auto &f : r.files)
    bytes += std::filesystem::file_size(f);
  double el = std::chrono::duration<double>(t1 - t0).count();
  double em = std::chrono::duration<double>(t2 - t1).count();
  std::printf("%4dx%-4d %6d PEs  elaborate %7.3f s  emit %7.3f s  total %7.3f s  "
              "%zu module(s), %.1f MB of Verilog",
              n, n, n * n, el, em, el + em, d.modules.size(), static_cast<double>(bytes) / 1e6);
  std::fflush(stdout);
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  std::vector<int> sizes{32, 64, 128, 256};
  if (argc > 1) {
    sizes.clear();
    for (int i = 1; i < argc; ++i)
      sizes.push_back(std::stoi(argv[i]));
  }
  auto base = std::filesystem::temp_directory_path() / ("hcl_bench_" + std::to_string(getpid()));
  std::printf("bench elaborate: R x R arrays of 8-bit MAC PEs (target: 128x128 < 1 s and "
              "< 1 GiB, 256x256 < 5 s)\n");
  for (int n : sizes) {
    auto dir = base / std::to_string(n);
    std::fflush(stdout);
    pid_t pid = fork();
    if (pid == 0)
      _exit(run_one(n, dir));
    int status = 0;
    struct rusage ru {};
    wait4(pid, &status, 0, &ru);
    double peak_mib = static_cast<double>(ru.ru_maxrss) / 1024.0;
    std::printf("  peak RSS %7.1f MiB%s\n", peak_mib,
                WIFEXITED(status) && WEXITSTATUS(status) == 0 ? "" : "  (FAILED)");
  }
  std::filesystem::remove_all(base);
  return 0;
}
