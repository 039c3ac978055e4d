// Index expressions as polynomials with integer coefficients over atoms (variables by name, or
// opaque sub-expressions keyed by their dump, starting with '#'), the common currency of the
// buffer-extent and dependence analyses: sums and products normalise (`(rows - 1) * cols + cols`
// is `rows * cols`), coefficients of a variable can be read off, and variables substituted.
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace xpile::passes {

// A polynomial with integer coefficients over atoms: variables by name, or opaque sub-expressions
// (a division, a select) keyed by their dump. Keys of opaque atoms start with '#'.
struct Poly {
  bool operator==(const Poly &o) const { return terms == o.terms; }
  std::map<std::vector<std::string>, int64_t> terms;  // sorted atom multiset -> coefficient

  static Poly constant(int64_t c) {
    Poly p;
    if (c) p.terms[{}] = c;
    return p;
  }
  static Poly atom(const std::string &k) {
    Poly p;
    p.terms[{k}] = 1;
    return p;
  }
  Poly operator+(const Poly &o) const {
    Poly r = *this;
    for (auto &[m, c] : o.terms)
      if ((r.terms[m] += c) == 0) r.terms.erase(m);
    return r;
  }
  Poly operator*(int64_t k) const {
    Poly r;
    if (k)
      for (auto &[m, c] : terms) r.terms[m] = c * k;
    return r;
  }
  Poly operator-(const Poly &o) const { return *this + o * -1; }
  Poly operator*(const Poly &o) const {
    Poly r;
    for (auto &[m1, c1] : terms)
      for (auto &[m2, c2] : o.terms) {
        std::vector<std::string> m = m1;
        m.insert(m.end(), m2.begin(), m2.end());
        std::sort(m.begin(), m.end());
        if ((r.terms[m] += c1 * c2) == 0) r.terms.erase(m);
      }
    return r;
  }
  bool mentions(const std::string &a) const {
    for (auto &[m, c] : terms)
      if (std::count(m.begin(), m.end(), a)) return true;
    return false;
  }
  // Replaces atom `a` by `v` (every occurrence).
  Poly substitute(const std::string &a, const Poly &v) const {
    Poly r;
    for (auto &[m, c] : terms) {
      Poly t = constant(c);
      for (auto &x : m) t = t * (x == a ? v : atom(x));
      r = r + t;
    }
    return r;
  }
};


}  // namespace xpile::passes
