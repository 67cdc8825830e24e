// Verilog identifier legalization shared by elaboration (module names) and the emitter.
#pragma once

#include <string>
#include <string_view>
#include <unordered_set>

namespace hcl::detail {

bool is_verilog_keyword(std::string_view s);

// A set of names in one scope. claim() returns `want` itself when it is legal and free, and
// otherwise a legal variant: invalid characters become '_', keywords get a trailing '_', and
// taken names get _1, _2, ... The suffix depends only on earlier claims of the same scope.
class NameScope {
public:
  std::string claim(std::string_view want);
  bool taken(const std::string &s) const { return used_.count(s) != 0; }

private:
  std::unordered_set<std::string> used_;
};

} // namespace hcl::detail
