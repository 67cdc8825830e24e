#include <generators/require.h>

namespace hcl::gen {

void require(bool ok, const std::string &key, const std::string &why) {
  if (!ok) {
    throw ConfigError(key, why);
  }
}

} // namespace hcl::gen
