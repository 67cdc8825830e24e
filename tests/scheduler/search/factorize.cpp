#include <scheduler/search/factorize.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>

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

TEST_CASE("divisors and prime factors of bounds near the int64 limit") {
  // d * d overflows past about 3.04e9: a trial division written that way never ends for a
  // large prime, and a plain one takes billions of steps for 1e18.
  const auto e18 = divisors(1000000000000000000);
  CHECK(e18.size() == 19 * 19); // 2^18 * 5^18
  CHECK(e18.front() == 1);
  CHECK(e18.back() == 1000000000000000000);
  CHECK(std::is_sorted(e18.begin(), e18.end()));
  for (const std::int64_t d : e18) {
    CHECK(1000000000000000000 % d == 0);
  }
  const std::int64_t largest_prime = 9223372036854775783; // 2^63 - 25
  CHECK(divisors(largest_prime) == std::vector<std::int64_t>{1, largest_prime});
  CHECK(prime_factors(largest_prime) == std::vector<std::int64_t>{largest_prime});
  // Two large primes: nothing small to divide out.
  CHECK(prime_factors(9223372021822390277) == std::vector<std::int64_t>{2147483647, 4294967291});
  CHECK(prime_factors(INT64_MAX) == std::vector<std::int64_t>{7, 7, 73, 127, 337, 92737, 649657});
  CHECK(divisors(INT64_MAX).size() == 3 * 2 * 2 * 2 * 2 * 2);
  CHECK(divisors(std::int64_t{1} << 62).size() == 63);
}

TEST_CASE("divisors equal those found by trying every candidate") {
  for (std::int64_t n = 1; n <= 3000; ++n) {
    std::vector<std::int64_t> want;
    for (std::int64_t d = 1; d <= n; ++d) {
      if (n % d == 0) {
        want.push_back(d);
      }
    }
    REQUIRE(divisors(n) == want);
    std::int64_t product = 1;
    for (const std::int64_t p : prime_factors(n)) {
      product *= p;
    }
    REQUIRE(product == n);
  }
}
