// Counts an aggregate's fields at compile time, for guards that a key or identity names every field.
#pragma once

#include <cstddef>

namespace lodestar::test {

/// Converts to any member type, so an aggregate can be brace-initialized with N of these
/// exactly when it has at least N fields.
struct AnyField {
  template <class T>
  operator T() const;
};

template <class T, class... Fields>
constexpr size_t fieldCount() {
  if constexpr (requires { T{Fields{}..., AnyField{}}; }) return fieldCount<T, Fields..., AnyField>();
  else return sizeof...(Fields);
}

}  // namespace lodestar::test
