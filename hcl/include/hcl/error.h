// Errors raised while elaborating a design. Every error carries the source location of the
// user's code that caused it (not a location inside the library), formatted as
// "file:line: error: message" so editors and terminals can jump to it.
#pragma once

#include <source_location>
#include <stdexcept>
#include <string>

namespace hcl {

class Error : public std::invalid_argument {
public:
  Error(const std::string &message, const std::source_location &where);

  const std::source_location &where() const noexcept { return where_; }
  // The message without the location prefix.
  const std::string &message() const noexcept { return message_; }

private:
  std::source_location where_;
  std::string message_;
};

// "file:line" of a location, with the file name as the compiler recorded it.
std::string format_location(const std::source_location &where);

} // namespace hcl
