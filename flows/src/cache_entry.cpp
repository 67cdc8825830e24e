#include "cache_entry.h"

#include "content_hash.h"

#include <dlfcn.h>

#include <filesystem>
#include <fstream>
#include <iterator>

namespace hcl::flows::detail {

const std::string &code_identity() {
  static const std::string id = [] {
    // dladdr names the shared object a symbol is in; for the executable itself it may give
    // argv[0], which need not resolve, hence /proc/self/exe.
    Dl_info info{};
    std::string path = "/proc/self/exe";
    if (dladdr(reinterpret_cast<void *>(&code_identity), &info) != 0 && info.dli_fname != nullptr &&
        std::filesystem::exists(info.dli_fname)) {
      path = info.dli_fname;
    }
    std::ifstream in(path, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    ContentHash h;
    h.add(bytes);
    return h.hex();
  }();
  return id;
}

std::optional<nlohmann::json> read_cache_entry(const std::filesystem::path &file, int format) {
  std::ifstream in(file);
  if (!in) {
    return std::nullopt;
  }
  nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
  if (j.is_discarded() || !j.is_object() || j.value("format", 0) != format) {
    return std::nullopt;
  }
  return j;
}

} // namespace hcl::flows::detail
