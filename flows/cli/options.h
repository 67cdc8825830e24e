// Checks for the numeric and list options every command shares. CLI11's NonNegativeNumber,
// PositiveNumber and Range let NaN through (every comparison with it is false) and accept
// "inf", so `--time-limit nan` or `--max-area nan` would silently turn a budget off.
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace hcl::cli {

// A finite number in [min, max] (min excluded when `open_min`). The error says what is valid.
CLI::Validator finite_number(double min, double max, bool open_min = false);

// Splits "a,b,c" and refuses a list with no item or an empty one ("", ",", "a,,b"), naming the
// option and an example of what is valid.
std::vector<std::string> comma_list(const std::string &text, const std::string &option,
                                    const std::string &example);

} // namespace hcl::cli
