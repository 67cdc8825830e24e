// The one translation unit that compiles Catch2's runner; compiled once and shared by every
// test executable, because Catch2 v2's single header is slow to compile.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
