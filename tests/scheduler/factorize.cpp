#include <scheduler/factorize.h>

#include <catch2/catch.hpp>

using hcl::sched::divisors;
using hcl::sched::ordered_factorizations;
using hcl::sched::prime_factors;

TEST_CASE("prime_factors of small and awkward loop extents") {
  CHECK(prime_factors(1).empty());
  CHECK(prime_factors(55) == std::vector<std::int64_t>{5, 11});
  CHECK(prime_factors(224) == std::vector<std::int64_t>{2, 2, 2, 2, 2, 7});
  CHECK(prime_factors(197) == std::vector<std::int64_t>{197});
  CHECK_THROWS_AS(prime_factors(0), std::invalid_argument);
}

TEST_CASE("divisors are complete and sorted") {
  CHECK(divisors(1) == std::vector<std::int64_t>{1});
  CHECK(divisors(36) == std::vector<std::int64_t>{1, 2, 3, 4, 6, 9, 12, 18, 36});
  CHECK(divisors(13) == std::vector<std::int64_t>{1, 13});
}

TEST_CASE("ordered factorizations count matches the divisor-function formula") {
  // The number of ordered k-factorizations of p^a is C(a+k-1, k-1); for 12 = 2^2 * 3 into 3
  // parts that is C(4,2) * C(3,2) = 6 * 3 = 18.
  const auto f = ordered_factorizations(12, 3);
  CHECK(f.size() == 18);
  for (const auto &t : f) {
    CHECK(t[0] * t[1] * t[2] == 12);
  }
  CHECK(ordered_factorizations(7, 1) == std::vector<std::vector<std::int64_t>>{{7}});
}
