// Formatting of configuration diagnostics.
#include "zones/yaml/diagnostics.hpp"

#include "dns/wire/content_digest.hpp"

namespace lodestar::yaml {

std::string Diagnostic::toString() const {
  std::string s = where.file;
  if (where.line > 0) {
    s += ':';
    s += std::to_string(where.line);
    s += ':';
    s += std::to_string(where.column);
  }
  s += ": ";
  s += message;
  return s;
}

void Diagnostics::error(SourceLocation where, std::string message) {
  errors_.push_back({std::move(where), std::move(message)});
}

void Diagnostics::warning(SourceLocation where, std::string message) {
  warnings_.push_back({std::move(where), std::move(message)});
}

std::string Diagnostics::report() const {
  std::string out;
  for (const auto& e : errors_) out += e.toString() + "\n";
  for (const auto& w : warnings_) {
    Diagnostic d = w;
    d.message = "warning: " + d.message;
    out += d.toString() + "\n";
  }
  return out;
}

void Diagnostics::noteSource(const std::string& path, std::string_view bytes) {
  wire::ContentDigest d;
  d.add(bytes);
  noteSource(path, d.value());
}

void Diagnostics::noteSource(const std::string& path, uint64_t digest) {
  sources_[path] = digest;
  sourceLog_.emplace_back(path, digest);
}

}  // namespace lodestar::yaml
