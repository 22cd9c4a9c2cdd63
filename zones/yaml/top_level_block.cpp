// A line scanner, not a YAML parser: it finds where a top-level key's block starts and ends
// and gives up on anything it cannot be sure of.
#include "zones/yaml/top_level_block.hpp"

namespace lodestar::yaml {

namespace {

// A line that starts a top-level entry: content at column 0 that is not a comment. A blank
// line is none (a block may hold blank lines).
bool topLevel(std::string_view line) {
  return !line.empty() && line[0] != ' ' && line[0] != '\t' && line[0] != '#' && line[0] != '\r' && line[0] != '\n';
}

// A line with content: not blank, not only a comment.
bool content(std::string_view line) {
  const size_t at = line.find_first_not_of(" \t\r\n");
  return at != std::string_view::npos && line[at] != '#';
}

}  // namespace

std::optional<std::string> topLevelBlock(std::string_view text, std::string_view key) {
  // A byte order mark is YAML's to read.
  if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") return std::nullopt;
  size_t begin = std::string_view::npos, end = text.size();
  bool first = true;
  for (size_t at = 0; at < text.size();) {
    const size_t newline = text.find('\n', at);
    const size_t next = newline == std::string_view::npos ? text.size() : newline + 1;
    const std::string_view line = text.substr(at, next - at);
    // The root's entries must start at column 0 (an indented root map is YAML's to read).
    if (first && content(line)) {
      if (!topLevel(line)) return std::nullopt;
      first = false;
    }
    if (topLevel(line)) {
      const char c = line[0];
      // Documents, directives, flow style, a top-level sequence, complex keys, tags, anchors.
      if (c == '-' || c == '.' || c == '%' || c == '{' || c == '[' || c == '?' || c == '!' || c == '&' || c == '*' ||
          c == '|' || c == '>')
        return std::nullopt;
      if (begin != std::string_view::npos && end == text.size()) end = at;
      if ((c == '"' || c == '\'') && line.substr(1).rfind(key, 0) == 0) return std::nullopt;  // a quoted key
      if (line.rfind(key, 0) == 0) {
        const std::string_view rest = line.substr(key.size());
        // "key :" is the same key to YAML: not plain enough here.
        const size_t colon = rest.find_first_not_of(" \t");
        if (colon != 0 && colon != std::string_view::npos && rest[colon] == ':') return std::nullopt;
        const bool isKey = !rest.empty() && rest[0] == ':' && (rest.size() == 1 || rest[1] == ' ' || rest[1] == '\t' ||
                                                               rest[1] == '\n' || rest[1] == '\r');
        if (isKey) {
          if (begin != std::string_view::npos) return std::nullopt;  // twice
          begin = at;
          end = text.size();
        }
      }
    }
    at = next;
  }
  if (begin == std::string_view::npos) return std::string();
  const std::string_view block = text.substr(begin, end - begin);
  if (block.find_first_of("&*") != std::string_view::npos) return std::nullopt;
  std::string out;
  out.reserve(begin + block.size());
  for (size_t i = 0; i < begin; ++i)
    if (text[i] == '\n') out += '\n';
  // Columns of the first line are kept too: the key is at column 0.
  out.append(block);
  return out;
}

}  // namespace lodestar::yaml
