// Label values may hold anything a zone file or a probe says: backslash, quote and newline
// are escaped as the format asks.
#include "dns/server/prometheus_text.hpp"

#include <charconv>
#include <cmath>

namespace lodestar::server {

void PrometheusText::family(std::string_view name, std::string_view type, std::string_view help) {
  name_ = name;
  out_ += "# HELP ";
  out_ += name;
  out_ += ' ';
  for (char c : help) out_ += c == '\n' ? ' ' : c;
  out_ += "\n# TYPE ";
  out_ += name;
  out_ += ' ';
  out_ += type;
  out_ += '\n';
}

void PrometheusText::begin(const Labels& labels, std::string_view suffix) {
  out_ += name_;
  out_ += suffix;
  if (labels.empty()) return;
  out_ += '{';
  bool first = true;
  for (const auto& [key, value] : labels) {
    if (!first) out_ += ',';
    first = false;
    out_ += key;
    out_ += "=\"";
    for (char c : value) {
      if (c == '\\') out_ += "\\\\";
      else if (c == '"') out_ += "\\\"";
      else if (c == '\n') out_ += "\\n";
      else out_ += c;
    }
    out_ += '"';
  }
  out_ += '}';
}

void PrometheusText::sample(const Labels& labels, double value, std::string_view suffix) {
  begin(labels, suffix);
  if (std::isnan(value)) {
    out_ += " NaN\n";
  } else if (std::isinf(value)) {
    out_ += value > 0 ? " +Inf\n" : " -Inf\n";
  } else {
    out_ += ' ';
    out_ += number(value);
    out_ += '\n';
  }
}

std::string PrometheusText::number(double value) {
  char text[32];  // the shortest form that reads back as the same double
  const auto end = std::to_chars(text, text + sizeof text, value).ptr;
  return std::string(text, end);
}

void PrometheusText::sample(const Labels& labels, uint64_t value, std::string_view suffix) {
  begin(labels, suffix);
  out_ += ' ';
  out_ += std::to_string(value);
  out_ += '\n';
}

}  // namespace lodestar::server
