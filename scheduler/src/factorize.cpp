#include <scheduler/factorize.h>

#include <stdexcept>
#include <string>

namespace hcl::sched {

std::vector<std::int64_t> prime_factors(std::int64_t n) {
  if (n < 1) {
    throw std::invalid_argument("prime_factors: n must be >= 1, got " + std::to_string(n));
  }
  std::vector<std::int64_t> out;
  for (std::int64_t p = 2; p * p <= n; ++p) {
    while (n % p == 0) {
      out.push_back(p);
      n /= p;
    }
  }
  if (n > 1) {
    out.push_back(n);
  }
  return out;
}

std::vector<std::int64_t> divisors(std::int64_t n) {
  if (n < 1) {
    throw std::invalid_argument("divisors: n must be >= 1, got " + std::to_string(n));
  }
  std::vector<std::int64_t> low;
  std::vector<std::int64_t> high;
  for (std::int64_t d = 1; d * d <= n; ++d) {
    if (n % d == 0) {
      low.push_back(d);
      if (d != n / d) {
        high.push_back(n / d);
      }
    }
  }
  low.insert(low.end(), high.rbegin(), high.rend());
  return low;
}

namespace {
void extend(std::int64_t rest, int parts, std::vector<std::int64_t> &prefix,
            std::vector<std::vector<std::int64_t>> &out) {
  if (parts == 1) {
    prefix.push_back(rest);
    out.push_back(prefix);
    prefix.pop_back();
    return;
  }
  for (std::int64_t d : divisors(rest)) {
    prefix.push_back(d);
    extend(rest / d, parts - 1, prefix, out);
    prefix.pop_back();
  }
}
} // namespace

std::vector<std::vector<std::int64_t>> ordered_factorizations(std::int64_t n, int parts) {
  if (parts < 1) {
    throw std::invalid_argument("ordered_factorizations: parts must be >= 1");
  }
  std::vector<std::vector<std::int64_t>> out;
  std::vector<std::int64_t> prefix;
  extend(n, parts, prefix, out);
  return out;
}

} // namespace hcl::sched
