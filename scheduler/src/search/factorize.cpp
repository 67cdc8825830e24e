#include <scheduler/search/factorize.h>

#include <algorithm>
#include <numeric>
#include <stdexcept>
#include <string>

namespace hcl::sched {

namespace {

using u64 = std::uint64_t;
__extension__ typedef unsigned __int128 u128; // -Wpedantic: a GCC/Clang extension

u64 mul_mod(u64 a, u64 b, u64 m) { return static_cast<u64>(static_cast<u128>(a) * b % m); }

u64 pow_mod(u64 a, u64 e, u64 m) {
  u64 r = 1;
  for (a %= m; e > 0; e >>= 1) {
    if ((e & 1) != 0) {
      r = mul_mod(r, a, m);
    }
    a = mul_mod(a, a, m);
  }
  return r;
}

// Miller-Rabin with the first twelve primes as bases, which is exact for every n below 3.3e24
// (Sorenson and Webster 2015), so for every int64.
bool is_prime(u64 n) {
  constexpr u64 kBases[] = {2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37};
  if (n < 2) {
    return false;
  }
  for (const u64 p : kBases) {
    if (n % p == 0) {
      return n == p;
    }
  }
  u64 d = n - 1;
  int s = 0;
  for (; (d & 1) == 0; d >>= 1) {
    ++s;
  }
  for (const u64 a : kBases) {
    u64 x = pow_mod(a, d, n);
    bool composite = x != 1 && x != n - 1;
    for (int r = 1; r < s && composite; ++r) {
      x = mul_mod(x, x, n);
      composite = x != n - 1;
    }
    if (composite) {
      return false;
    }
  }
  return true;
}

// A factor 1 < f < n of an odd composite n without small factors: Pollard's rho with Brent's
// cycle finding and the differences multiplied together before each gcd. Trial division up
// to sqrt(n) would take billions of steps for a bound near 2^63 made of two large primes.
u64 rho_factor(u64 n) {
  constexpr u64 kBatch = 128;
  for (u64 c = 1;; ++c) {
    auto step = [&](u64 v) { return (mul_mod(v, v, n) + c) % n; };
    auto diff = [](u64 a, u64 b) { return a > b ? a - b : b - a; };
    u64 y = 2, x = 2, ys = 2, g = 1, q = 1;
    for (u64 r = 1; g == 1; r <<= 1) {
      x = y;
      for (u64 i = 0; i < r; ++i) {
        y = step(y);
      }
      for (u64 k = 0; k < r && g == 1; k += kBatch) {
        ys = y;
        for (u64 i = 0; i < std::min(kBatch, r - k); ++i) {
          y = step(y);
          q = mul_mod(q, diff(x, y), n);
        }
        g = std::gcd(q, n);
      }
    }
    if (g == n) { // the batch overshot: redo its steps one gcd at a time
      do {
        ys = step(ys);
        g = std::gcd(diff(x, ys), n);
      } while (g == 1);
    }
    if (g != n) {
      return g;
    }
  }
}

void split(u64 n, std::vector<std::int64_t> &out) {
  if (n == 1) {
    return;
  }
  if (is_prime(n)) {
    out.push_back(static_cast<std::int64_t>(n));
    return;
  }
  const u64 f = rho_factor(n);
  split(f, out);
  split(n / f, out);
}

} // namespace

std::vector<std::int64_t> prime_factors(std::int64_t n) {
  if (n < 1) {
    throw std::invalid_argument("prime_factors: n must be >= 1, got " + std::to_string(n));
  }
  // Loop bounds are small: trial division settles them at once, and it leaves large
  // cofactors to the rho method. `p <= n / p` rather than `p * p <= n`, which overflows.
  constexpr std::int64_t kTrialLimit = 1 << 10;
  std::vector<std::int64_t> out;
  for (; n % 2 == 0; n /= 2) {
    out.push_back(2);
  }
  std::int64_t p = 3;
  for (; p < kTrialLimit && p <= n / p; p += 2) {
    for (; n % p == 0; n /= p) {
      out.push_back(p);
    }
  }
  if (n > 1 && p <= n / p) {
    const std::size_t first = out.size();
    split(static_cast<u64>(n), out);
    std::sort(out.begin() + static_cast<std::ptrdiff_t>(first), out.end());
  } else if (n > 1) {
    out.push_back(n);
  }
  return out;
}

std::vector<std::int64_t> divisors(std::int64_t n) {
  if (n < 1) {
    throw std::invalid_argument("divisors: n must be >= 1, got " + std::to_string(n));
  }
  const auto pf = prime_factors(n);
  std::vector<std::int64_t> out{1};
  for (std::size_t i = 0; i < pf.size();) {
    const std::int64_t p = pf[i];
    const std::size_t base = out.size();
    std::int64_t power = 1;
    for (; i < pf.size() && pf[i] == p; ++i) {
      power *= p; // a divisor of n: cannot overflow
      for (std::size_t j = 0; j < base; ++j) {
        out.push_back(out[j] * power);
      }
    }
  }
  std::sort(out.begin(), out.end());
  return out;
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
