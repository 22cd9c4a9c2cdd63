// Typed reads of one JSON object's fields, for every reader of a JSON document the product
// takes in (etcd values, state files, control messages): a field of the wrong type is an
// error with its name, never an exception; unknown fields are ignored.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace lodestar::control {

/// Parses `text` as JSON; nullopt (with `error`) when it is not JSON or not an object.
std::optional<nlohmann::json> parseObject(std::string_view text, std::string& error);

/// The fields of one JSON object. Each read leaves `out` as it was when the field is absent
/// (an error only when `required`), and records the first error met; once one is recorded,
/// ok() is false and error() names the field, the value and the type it should have had.
class JsonFields {
 public:
  /// `where` prefixes the field names in errors ("" for none, else e.g. "endpoints.x").
  /// `object` must outlive this reader; a value that is not an object is an error at once.
  JsonFields(const nlohmann::json& object, std::string where = "");

  JsonFields& text(const char* key, std::string& out, bool required = false);
  JsonFields& integer(const char* key, int64_t& out, bool required = false);
  /// A non-negative integer no larger than 2^32-1 (a uid).
  JsonFields& unsigned32(const char* key, uint32_t& out, bool required = false);
  JsonFields& flag(const char* key, bool& out, bool required = false);
  /// The field when it is an object (nullptr when absent, or with an error when another type).
  const nlohmann::json* object(const char* key, bool required = false);
  const nlohmann::json* array(const char* key, bool required = false);

  bool ok() const noexcept { return error_.empty(); }
  const std::string& error() const noexcept { return error_; }
  /// Records an error of the caller's own (the first one wins).
  void fail(const std::string& message);

 private:
  const nlohmann::json* find(const char* key, bool required);
  void wrongType(const char* key, const nlohmann::json& value, const char* wanted);

  const nlohmann::json& object_;
  std::string where_, error_;
};

}  // namespace lodestar::control
