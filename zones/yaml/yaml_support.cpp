// YAML reading helpers: one place that turns parse marks into operator-facing errors.
#include "zones/yaml/yaml_support.hpp"

#include <charconv>
#include <map>
#include <cmath>

#include "zones/yaml/file_read.hpp"

namespace lodestar::yaml {

std::string keyPath(std::string_view parent, std::string_view key) {
  if (parent.empty()) return std::string(key);
  return std::string(parent) + "." + std::string(key);
}

Node YamlReader::load() {
  std::string error;
  auto text = readWholeFile(file_, kMaxYamlFileBytes, error);
  if (!text) {
    if (error.find("limit") != std::string::npos)
      error += " (static records load about 5 times faster and in half the memory from an RFC 1035 zone "
               "file: put large static data in an RFC 1035 zone file named by 'include:')";
    diags_.error({file_, 0, 0}, error);
    return {};
  }
  return parse(*text);
}

Node YamlReader::parse(std::string_view text) {
  diags_.noteSource(file_, text);
  ParseError e;
  auto tree = Tree::parse(text, e);
  if (!tree) {
    diags_.error({file_, static_cast<int>(e.line), static_cast<int>(e.column)}, "YAML syntax error: " + e.message);
    return {};
  }
  trees_.push_back(std::move(tree));
  return trees_.back()->root();
}

SourceLocation YamlReader::at(const Node& node) const {
  return {file_, static_cast<int>(node.line()), static_cast<int>(node.column())};
}

void YamlReader::error(const Node& node, std::string_view path, const std::string& message) {
  diags_.error(at(node), path.empty() ? message : std::string(path) + ": " + message);
}

void YamlReader::warning(const Node& node, std::string_view path, const std::string& message) {
  diags_.warning(at(node), path.empty() ? message : std::string(path) + ": " + message);
}

bool YamlReader::expectMap(const Node& node, std::string_view path,
                           std::initializer_list<std::string_view> allowed) {
  if (!node.isMap()) {
    error(node, path, "expected a mapping of keys to values");
    return false;
  }
  uniqueKeys(node, path);
  for (auto it = node.begin(); it != node.end(); ++it) {
    std::string key = it->first.scalar();
    bool known = false;
    for (auto a : allowed) known = known || a == key;
    if (!known) {
      std::string list;
      for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      error(it->first, keyPath(path, key), "unknown key (expected one of: " + list + ")");
    }
  }
  return true;
}

bool YamlReader::uniqueKeys(const Node& node, std::string_view path) {
  if (!node.isMap()) return true;
  // YAML parsers keep the first of two equal keys; an operator meant one of them.
  std::map<std::string, int> seen;
  bool ok = true;
  for (auto it = node.begin(); it != node.end(); ++it) {
    auto [prev, fresh] = seen.emplace(it->first.scalar(), it->first.line());
    if (!fresh) {
      error(it->first, keyPath(path, it->first.scalar()),
            "appears twice (first on line " + std::to_string(prev->second) + ")");
      ok = false;
    }
  }
  return ok;
}

std::optional<std::string> YamlReader::string(const Node& node, std::string_view path) {
  if (!node.isScalar()) {
    error(node, path, "expected a single value");
    return std::nullopt;
  }
  return node.scalar();
}

std::optional<uint64_t> YamlReader::integer(const Node& node, std::string_view path, uint64_t min,
                                            uint64_t max) {
  auto s = string(node, path);
  if (!s) return std::nullopt;
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(s->data(), s->data() + s->size(), v);
  if (ec != std::errc() || end != s->data() + s->size()) {
    error(node, path, "expected a whole number, got '" + *s + "'");
    return std::nullopt;
  }
  if (v < min || v > max) {
    error(node, path, std::to_string(v) + " is out of range [" + std::to_string(min) + ", " + std::to_string(max) + "]");
    return std::nullopt;
  }
  return v;
}

std::optional<double> YamlReader::number(const Node& node, std::string_view path, double min, double max) {
  auto s = string(node, path);
  if (!s) return std::nullopt;
  double v = 0;
  auto [end, ec] = std::from_chars(s->data(), s->data() + s->size(), v);
  if (ec != std::errc() || end != s->data() + s->size() || !std::isfinite(v)) {
    error(node, path, "expected a number, got '" + *s + "'");
    return std::nullopt;
  }
  if (v < min || v > max) {
    error(node, path, *s + " is out of range [" + std::to_string(min) + ", " + std::to_string(max) + "]");
    return std::nullopt;
  }
  return v;
}

std::optional<bool> YamlReader::boolean(const Node& node, std::string_view path) {
  auto s = string(node, path);
  if (!s) return std::nullopt;
  if (*s == "true" || *s == "yes" || *s == "on") return true;
  if (*s == "false" || *s == "no" || *s == "off") return false;
  error(node, path, "expected true or false, got '" + *s + "'");
  return std::nullopt;
}

std::optional<std::chrono::milliseconds> YamlReader::duration(const Node& node, std::string_view path,
                                                              wire::DurationRange range) {
  auto s = string(node, path);
  if (!s) return std::nullopt;
  std::string message;
  auto d = wire::parseDuration(*s, range, message);
  if (!d) error(node, path, message);
  return d;
}

std::optional<uint64_t> YamlReader::seconds(const Node& node, std::string_view path, uint64_t min,
                                            uint64_t max) {
  auto s = string(node, path);
  if (!s) return std::nullopt;
  std::string message;
  auto v = wire::parseSeconds(*s, min, max, message);
  if (!v) error(node, path, message);
  return v;
}

std::optional<std::vector<std::string>> YamlReader::stringList(const Node& node, std::string_view path) {
  std::vector<std::string> out;
  if (node.isScalar()) {
    out.push_back(node.scalar());
    return out;
  }
  if (!node.isSequence()) {
    error(node, path, "expected a value or a list of values");
    return std::nullopt;
  }
  for (const auto& item : node) {
    auto s = string(item, path);
    if (!s) return std::nullopt;
    out.push_back(*s);
  }
  return out;
}

}  // namespace lodestar::yaml
