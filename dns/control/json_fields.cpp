// Typed field reads: each checks the JSON type before taking the value.
#include "dns/control/json_fields.hpp"

#include <limits>

namespace lodestar::control {

namespace {
// A value as it appears in an error message: short, whatever it holds.
std::string shown(const nlohmann::json& v) {
  std::string s = v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return s.size() > 40 ? s.substr(0, 37) + "..." : s;
}

// Its JSON type with its article: "a string", "an array", "null".
std::string kind(const nlohmann::json& v) {
  if (v.is_null()) return "null";
  const std::string name = v.type_name();
  return (name[0] == 'a' || name[0] == 'o' ? "an " : "a ") + name;
}
}  // namespace

std::optional<nlohmann::json> parseObject(std::string_view text, std::string& error) {
  auto j = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
  if (j.is_discarded()) {
    error = "not JSON";
    return std::nullopt;
  }
  if (!j.is_object()) {
    error = "JSON, but " + kind(j) + ", not an object";
    return std::nullopt;
  }
  return j;
}

JsonFields::JsonFields(const nlohmann::json& object, std::string where) : object_(object), where_(std::move(where)) {
  if (!object_.is_object())
    fail((where_.empty() ? std::string() : where_ + ": ") + shown(object_) + " is " + kind(object_) + ", not an object");
}

void JsonFields::fail(const std::string& message) {
  if (error_.empty()) error_ = message;
}

const nlohmann::json* JsonFields::find(const char* key, bool required) {
  if (!object_.is_object()) return nullptr;
  auto it = object_.find(key);
  if (it == object_.end()) {
    if (required) fail((where_.empty() ? "" : where_ + ".") + key + ": missing");
    return nullptr;
  }
  return &*it;
}

void JsonFields::wrongType(const char* key, const nlohmann::json& value, const char* wanted) {
  fail((where_.empty() ? "" : where_ + ".") + key + ": " + shown(value) + " is " + kind(value) + ", not " + wanted);
}

JsonFields& JsonFields::text(const char* key, std::string& out, bool required) {
  if (const auto* v = find(key, required)) {
    if (v->is_string()) out = v->get<std::string>();
    else wrongType(key, *v, "a string");
  }
  return *this;
}

JsonFields& JsonFields::integer(const char* key, int64_t& out, bool required) {
  if (const auto* v = find(key, required)) {
    if (v->is_number_integer() &&
        (v->is_number_unsigned() ? v->get<uint64_t>() <= uint64_t(std::numeric_limits<int64_t>::max()) : true))
      out = v->get<int64_t>();
    else wrongType(key, *v, "an integer");
  }
  return *this;
}

JsonFields& JsonFields::unsigned32(const char* key, uint32_t& out, bool required) {
  if (const auto* v = find(key, required)) {
    if (v->is_number_unsigned() && v->get<uint64_t>() <= std::numeric_limits<uint32_t>::max())
      out = static_cast<uint32_t>(v->get<uint64_t>());
    else if (v->is_number_integer() && v->get<int64_t>() >= 0 && v->get<int64_t>() <= std::numeric_limits<uint32_t>::max())
      out = static_cast<uint32_t>(v->get<int64_t>());
    else wrongType(key, *v, "an integer from 0 to 4294967295");
  }
  return *this;
}

JsonFields& JsonFields::flag(const char* key, bool& out, bool required) {
  if (const auto* v = find(key, required)) {
    if (v->is_boolean()) out = v->get<bool>();
    else wrongType(key, *v, "true or false");
  }
  return *this;
}

const nlohmann::json* JsonFields::object(const char* key, bool required) {
  const auto* v = find(key, required);
  if (v && !v->is_object()) {
    wrongType(key, *v, "an object");
    return nullptr;
  }
  return v;
}

const nlohmann::json* JsonFields::array(const char* key, bool required) {
  const auto* v = find(key, required);
  if (v && !v->is_array()) {
    wrongType(key, *v, "a list");
    return nullptr;
  }
  return v;
}

}  // namespace lodestar::control
