// Check identity and names.
#include "health/state/check_spec.hpp"

#include <tuple>
#include <type_traits>

namespace lodestar::health {

const char* probeKindName(ProbeKind kind) noexcept {
  switch (kind) {
    case ProbeKind::Tcp: return "tcp";
    case ProbeKind::Http: return "http";
    case ProbeKind::Https: return "https";
    case ProbeKind::Dns: return "dns";
    case ProbeKind::Exec: return "exec";
  }
  return "?";
}

namespace {

// Each field as text, separated so that no two different specs give one string.
void append(std::string& id, const std::string& v) { id += std::to_string(v.size()) + ":" + v + "|"; }
void append(std::string& id, bool v) { id += v ? "1|" : "0|"; }
void append(std::string& id, std::chrono::milliseconds v) { id += std::to_string(v.count()) + "ms|"; }
template <class T>
  requires std::is_integral_v<T> || std::is_enum_v<T>
void append(std::string& id, T v) {
  id += std::to_string(static_cast<long long>(v)) + "|";
}
template <class T>
void append(std::string& id, const std::vector<T>& list) {
  id += "[" + std::to_string(list.size()) + "]";
  for (const auto& v : list) append(id, v);
}

}  // namespace

std::string CheckSpec::identity() const {
  std::string id;
  std::apply([&id](const auto&... field) { (append(id, field), ...); }, identityFields());
  return id;
}

}  // namespace lodestar::health
