// How many times a log or file says something: the tests that check a line is told exactly
// once (not zero, not on every retry) count it with this one function.
#pragma once

#include <cstddef>
#include <string>

namespace lodestar::test {

inline size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

}  // namespace lodestar::test
