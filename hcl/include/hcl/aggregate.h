// Aggregates: Vec<T> and user-defined bundles, flattened into one named Verilog signal per
// leaf (`in_data`, `in_valid`, `row_0`, `row_1`...), never into one wide packed bus.
//
// A bundle is any struct with a `fields` member template that lists its members:
//     struct Flit {
//       hcl::UInt data{8};
//       hcl::Bool valid;
//       hcl::Bool ready;
//       template <class V> void fields(V &v) {
//         v("data", data);
//         v("valid", valid);
//         v.flipped("ready", ready); // flows the other way
//       }
//     };
//     Flit in = hcl::Input("in", Flit{});       // ports in_data, in_valid and output in_ready
//     hcl::connect(sink, source);               // leaf-wise, flipped leaves the other way
#pragma once

#include <hcl/module.h>
#include <hcl/signal.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace hcl {

namespace detail {
[[noreturn]] void vec_index_error(std::size_t i, std::size_t size, const SrcLoc &loc);
}

template <class T> class Vec {
public:
  struct Index {
    template <std::integral I>
    Index(I v, SrcLoc l = SrcLoc::current()) : value(static_cast<std::size_t>(v)), loc(l) {
      if constexpr (std::is_signed_v<I>) {
        if (v < 0) {
          value = static_cast<std::size_t>(-1);
        }
      }
    }
    std::size_t value;
    SrcLoc loc;
  };

  Vec() = default;
  // n copies of `elem` (a type template or a value).
  Vec(std::size_t n, const T &elem) : elems_(n, elem) {}
  explicit Vec(std::vector<T> elems) : elems_(std::move(elems)) {}

  std::size_t size() const { return elems_.size(); }
  // Constant index; out of range is an hcl::Error at the caller's line.
  T &at(std::size_t i, SrcLoc loc = SrcLoc::current()) {
    if (i < elems_.size()) {
      return elems_[i];
    }
    detail::vec_index_error(i, elems_.size(), loc);
  }
  const T &at(std::size_t i, SrcLoc loc = SrcLoc::current()) const {
    if (i < elems_.size()) {
      return elems_[i];
    }
    detail::vec_index_error(i, elems_.size(), loc);
  }
  T &operator[](const Index &i) { return at(i.value, i.loc); }
  const T &operator[](const Index &i) const { return at(i.value, i.loc); }
  // Dynamic read: a multiplexer tree over the elements, on the low clog2(size) index bits (T
  // must be a Signal type). An index >= size reads an unspecified element.
  struct DynIndex {
    DynIndex(const Signal &s, SrcLoc l = SrcLoc::current()) : sig(s), loc(l) {}
    Signal sig;
    SrcLoc loc;
  };
  Signal operator[](const DynIndex &index) const;

  auto begin() { return elems_.begin(); }
  auto end() { return elems_.end(); }
  auto begin() const { return elems_.begin(); }
  auto end() const { return elems_.end(); }

private:
  std::vector<T> elems_;
};

namespace detail {
Signal vec_dynamic_read(const std::vector<Signal> &elems, const Signal &index, const SrcLoc &loc);

template <class T> struct is_vec : std::false_type {};
template <class T> struct is_vec<Vec<T>> : std::true_type {};

// Calls f(name, leaf, flipped) for every Signal leaf of x.
template <class T, class F> void for_each_leaf(T &x, const std::string &name, bool flip, F &f);

template <class F> struct FieldVisitor {
  const std::string &prefix;
  bool flip;
  F &f;
  std::string join(std::string_view n) const {
    return prefix.empty() ? std::string(n) : prefix + "_" + std::string(n);
  }
  template <class M> void operator()(std::string_view n, M &m) {
    for_each_leaf(m, join(n), flip, f);
  }
  template <class M> void flipped(std::string_view n, M &m) { for_each_leaf(m, join(n), !flip, f); }
};

template <class T, class F> void for_each_leaf(T &x, const std::string &name, bool flip, F &f) {
  if constexpr (std::is_base_of_v<Signal, T>) {
    f(name, static_cast<Signal &>(x), flip);
  } else if constexpr (is_vec<T>::value) {
    for (std::size_t i = 0; i < x.size(); ++i) {
      for_each_leaf(x.at(i), name + "_" + std::to_string(i), flip, f);
    }
  } else {
    FieldVisitor<F> v{name, flip, f};
    x.fields(v);
  }
}
} // namespace detail

template <class T> Signal Vec<T>::operator[](const DynIndex &index) const {
  static_assert(std::is_base_of_v<Signal, T>, "dynamic Vec indexing needs a Vec of signals");
  std::vector<Signal> leaves(elems_.begin(), elems_.end());
  return detail::vec_dynamic_read(leaves, index.sig, index.loc);
}

// Aggregate IO: one port per leaf, named <name>_<field>/<name>_<index>. Flipped leaves of an
// Input are outputs and vice versa.
template <class T>
requires(!std::is_base_of_v<Signal, T>) T
    Input(std::string_view name, T type, SrcLoc loc = SrcLoc::current()) {
  auto f = [&](const std::string &n, Signal &leaf, bool flip) {
    leaf = flip ? Output(n, leaf, loc) : Input(n, leaf, loc);
  };
  detail::for_each_leaf(type, std::string(name), false, f);
  return type;
}

template <class T>
requires(!std::is_base_of_v<Signal, T>) T
    Output(std::string_view name, T type, SrcLoc loc = SrcLoc::current()) {
  auto f = [&](const std::string &n, Signal &leaf, bool flip) {
    leaf = flip ? Input(n, leaf, loc) : Output(n, leaf, loc);
  };
  detail::for_each_leaf(type, std::string(name), false, f);
  return type;
}

template <class T>
requires(!std::is_base_of_v<Signal, T>) T
    Wire(T type, std::string_view name = {}, SrcLoc loc = SrcLoc::current()) {
  auto f = [&](const std::string &n, Signal &leaf, bool) { leaf = Wire(leaf, n, loc); };
  detail::for_each_leaf(type, std::string(name), false, f);
  return type;
}

template <class T>
requires(!std::is_base_of_v<Signal, T>) T
    Reg(T type, std::string_view name = {}, SrcLoc loc = SrcLoc::current()) {
  auto f = [&](const std::string &n, Signal &leaf, bool) { leaf = Reg(leaf, n, loc); };
  detail::for_each_leaf(type, std::string(name), false, f);
  return type;
}

// The ports of an instance as an aggregate, matching the names Input/Output gave them.
template <class T>
T io(const Instance &inst, std::string_view name, T type, SrcLoc loc = SrcLoc::current()) {
  auto f = [&](const std::string &n, Signal &leaf, bool) { leaf = inst.port(n, loc); };
  detail::for_each_leaf(type, std::string(name), false, f);
  return type;
}

// Leaf-wise connect: dst <<= src for normal leaves, src <<= dst for flipped ones.
template <class T> void connect(T &dst, T &src, SrcLoc loc = SrcLoc::current()) {
  std::vector<std::pair<Signal, bool>> d, s;
  auto fd = [&](const std::string &, Signal &leaf, bool flip) { d.emplace_back(leaf, flip); };
  auto fs = [&](const std::string &, Signal &leaf, bool flip) { s.emplace_back(leaf, flip); };
  detail::for_each_leaf(dst, std::string(), false, fd);
  detail::for_each_leaf(src, std::string(), false, fs);
  if (d.size() != s.size()) {
    throw Error("connect: the two aggregates have different shapes", loc);
  }
  for (std::size_t i = 0; i < d.size(); ++i) {
    if (d[i].second) {
      s[i].first <<= Operand(d[i].first, loc);
    } else {
      d[i].first <<= Operand(s[i].first, loc);
    }
  }
}

} // namespace hcl
