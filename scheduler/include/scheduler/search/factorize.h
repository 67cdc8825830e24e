// Integer factorizations used to enumerate loop blockings: every temporal or spatial tiling of
// a loop of extent n is a way to write n as an ordered product of divisors.
#pragma once

#include <cstdint>
#include <vector>

namespace hcl::sched {

// Prime factors of n in ascending order, with multiplicity. n >= 1; prime_factors(1) is empty.
std::vector<std::int64_t> prime_factors(std::int64_t n);

// All divisors of n in ascending order. n >= 1.
std::vector<std::int64_t> divisors(std::int64_t n);

// Every ordered way to write n as a product of `parts` positive factors (order matters, ones
// allowed). Returned in lexicographic order of the factor tuple.
std::vector<std::vector<std::int64_t>> ordered_factorizations(std::int64_t n, int parts);

} // namespace hcl::sched
