// Whole numbers read from the daemon's reply, checked before they are converted.
#include <cmath>
#include <string>

#include "tools/lodestarctl/printers.hpp"

namespace lodestarctl {

int64_t integer(const nlohmann::json& value) {
  if (value.is_number_unsigned() && value.get<uint64_t>() <= uint64_t(INT64_MAX)) return value.get<int64_t>();
  if (value.is_number_integer() && !value.is_number_unsigned()) return value.get<int64_t>();
  // The daemon writes whole numbers as integers; a fraction in range is shown truncated.
  if (value.is_number_float() && std::fabs(value.get<double>()) < 9.0e15) return static_cast<int64_t>(value.get<double>());
  throw nlohmann::json::type_error::create(302, "expected a whole number, not " + value.dump(), &value);
}

int64_t integer(const nlohmann::json& object, const char* key, int64_t fallback) {
  if (!object.is_object())
    throw nlohmann::json::type_error::create(306, std::string("cannot read '") + key + "' from " + object.type_name(), &object);
  const auto it = object.find(key);
  return it == object.end() ? fallback : integer(*it);
}

}  // namespace lodestarctl
