// Forced into every file of the libFuzzer build when the compiler is clang 14: its libstdc++
// 12 <source_location> needs __builtin_source_location (clang 15), and scheduler/schedule.h
// uses std::source_location. The same interface from the builtins clang 14 does have.
#pragma once
#include <version>
#if !defined(__cpp_lib_source_location)
#include <cstdint>
namespace std {
struct source_location {
  static constexpr source_location current(const char *file = __builtin_FILE(),
                                           const char *function = __builtin_FUNCTION(),
                                           uint_least32_t line = __builtin_LINE(),
                                           uint_least32_t column = __builtin_COLUMN()) noexcept {
    source_location s;
    s.file_ = file;
    s.function_ = function;
    s.line_ = line;
    s.column_ = column;
    return s;
  }
  constexpr const char *file_name() const noexcept { return file_; }
  constexpr const char *function_name() const noexcept { return function_; }
  constexpr uint_least32_t line() const noexcept { return line_; }
  constexpr uint_least32_t column() const noexcept { return column_; }

private:
  const char *file_ = "";
  const char *function_ = "";
  uint_least32_t line_ = 0;
  uint_least32_t column_ = 0;
};
} // namespace std
#endif
