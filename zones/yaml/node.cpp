// The tree's accessors, and the first reading: libyaml's events into a Tree, with marks as
// yaml-cpp gives them (byte columns, empty values placed at what follows them).
#include "zones/yaml/node.hpp"

#include <yaml.h>

#include <utility>

#include "zones/yaml/tree_builder.hpp"

namespace lodestar::yaml {

namespace {
const std::string kEmpty;
}  // namespace

NodeKind Node::kind() const noexcept { return tree_ ? tree_->nodes_[index_].kind : NodeKind::Undefined; }

const std::string& Node::scalar() const noexcept {
  if (!isScalar()) return kEmpty;
  return tree_->scalars_[tree_->nodes_[index_].first];
}

size_t Node::size() const noexcept {
  switch (kind()) {
    case NodeKind::Sequence: return tree_->nodes_[index_].count;
    case NodeKind::Map: return tree_->nodes_[index_].count / 2;
    default: return 0;
  }
}

Node Node::operator[](std::string_view key) const noexcept {
  if (!isMap()) return {};
  const auto& me = tree_->nodes_[index_];
  for (uint32_t i = 0; i < me.count; i += 2) {
    Node k(tree_, tree_->kids_[me.first + i]);
    if (k.isScalar() && k.scalar() == key) return {tree_, tree_->kids_[me.first + i + 1]};
  }
  return {};
}

Node Node::item(size_t i) const noexcept {
  if (!isSequence() || i >= size()) return {};
  return {tree_, tree_->kids_[tree_->nodes_[index_].first + i]};
}

uint32_t Node::line() const noexcept { return tree_ ? tree_->nodes_[index_].line : 0; }
uint32_t Node::column() const noexcept { return tree_ ? tree_->nodes_[index_].column : 0; }

const NodeEntry& NodeIterator::operator*() {
  const Tree* t = owner_.tree_;
  const auto& me = t->nodes_[owner_.index_];
  if (owner_.isMap()) {
    entry_.first = Node(t, t->kids_[me.first + 2 * i_]);
    entry_.second = Node(t, t->kids_[me.first + 2 * i_ + 1]);
  } else {
    static_cast<Node&>(entry_) = Node(t, t->kids_[me.first + i_]);
  }
  return entry_;
}

namespace {

// How deep libyaml may nest collections here: its scanner checks every open flow level at
// every token, so a deep file costs depth × tokens. No zone policy nests deeper than a dozen;
// a deeper text goes to yaml-cpp, which refuses what its depth guard always refused.
constexpr size_t kMaxLibyamlDepth = 64;

// Texts whose lines or columns libyaml counts otherwise than yaml-cpp: a byte order mark, a
// lone CR, and NEL, LS and PS (line breaks in YAML 1.1, text in 1.2). yaml-cpp reads them.
bool countedOtherwise(std::string_view text) {
  if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") return true;
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\r' && (i + 1 == text.size() || text[i + 1] != '\n')) return true;
    if (c == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0x85) return true;
    if (c == 0xE2 && i + 2 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0x80 &&
        (static_cast<unsigned char>(text[i + 2]) == 0xA8 || static_cast<unsigned char>(text[i + 2]) == 0xA9))
      return true;
  }
  return false;
}

// libyaml counts columns in characters, yaml-cpp (and every message before) in bytes. Marks
// come in document order, so the walk goes on from the last one on the same line.
class Places {
 public:
  explicit Places(std::string_view text) : text_(text) {
    ascii_ = true;
    for (char c : text) ascii_ = ascii_ && static_cast<unsigned char>(c) < 0x80;
  }

  // 0-based line and character column → 1-based byte column.
  uint32_t column(size_t line, size_t chars) {
    if (ascii_) return static_cast<uint32_t>(chars + 1);
    if (line != line_ || chars < chars_) line_ = line, chars_ = 0, byte_ = lineStart(line);
    for (; chars_ < chars && byte_ < text_.size(); ++chars_) {
      const auto lead = static_cast<unsigned char>(text_[byte_]);
      byte_ += lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
    }
    return static_cast<uint32_t>(byte_ - lineStart(line) + 1);
  }

  // Where yaml-cpp places an empty value that libyaml places at (line, chars): at the token
  // after it, the next character that is not a blank, a line break or in a comment; at the
  // end of the text, the start of its last line.
  std::pair<uint32_t, uint32_t> nextToken(size_t line, size_t chars) {
    size_t at = lineStart(line) + column(line, chars) - 1, start = lineStart(line);
    bool comment = false;
    for (; at < text_.size(); ++at) {
      const char c = text_[at];
      if (c == '\n') {
        ++line, start = at + 1, comment = false;
      } else if (!comment && c == '#') {
        comment = true;
      } else if (!comment && c != ' ' && c != '\t' && c != '\r') {
        return {static_cast<uint32_t>(line + 1), static_cast<uint32_t>(at - start + 1)};
      }
    }
    return {static_cast<uint32_t>(line + 1), 1};
  }

 private:
  size_t lineStart(size_t line) {
    while (starts_.size() <= line) {
      const size_t nl = text_.find('\n', starts_.back());
      starts_.push_back(nl == std::string_view::npos ? text_.size() : nl + 1);
    }
    return starts_[line];
  }

  std::string_view text_;
  bool ascii_;
  std::vector<size_t> starts_{0};  // where each line begins, as far as marks have gone
  size_t line_ = 0, chars_ = 0, byte_ = 0;
};

std::string_view anchorOf(const yaml_char_t* anchor) {
  return anchor ? std::string_view(reinterpret_cast<const char*>(anchor)) : std::string_view();
}

// libyaml's events into `b`. False when libyaml refuses the text or the text goes past what
// this reading takes (too deep, an alias it cannot share): yaml-cpp reads it then.
bool readWithLibyaml(std::string_view text, TreeBuilder& b) {
  yaml_parser_t parser;
  if (!yaml_parser_initialize(&parser)) return false;
  // libyaml asserts on a null input even when it is empty (an empty string_view may hold one).
  const char* bytes = text.empty() ? "" : text.data();
  yaml_parser_set_input_string(&parser, reinterpret_cast<const unsigned char*>(bytes), text.size());
  Places places(text);
  bool ok = true;
  for (bool more = true; more && ok;) {
    yaml_event_t e;
    if (!yaml_parser_parse(&parser, &e)) {
      ok = false;
      break;
    }
    const uint32_t line = static_cast<uint32_t>(e.start_mark.line + 1);
    const uint32_t column = places.column(e.start_mark.line, e.start_mark.column);
    switch (e.type) {
      case YAML_STREAM_END_EVENT:
      case YAML_DOCUMENT_END_EVENT:  // the first document only, as yaml-cpp's Load
        more = false;
        break;
      case YAML_SCALAR_EVENT: {
        const std::string_view value(reinterpret_cast<const char*>(e.data.scalar.value), e.data.scalar.length);
        const bool plain = e.data.scalar.style == YAML_PLAIN_SCALAR_STYLE && !e.data.scalar.tag;
        const bool null = plain && (value.empty() || value == "~" || value == "null" || value == "Null" || value == "NULL");
        if (plain && value.empty()) {
          const auto [l, c] = places.nextToken(e.start_mark.line, e.start_mark.column);
          b.scalar(true, value, l, c, anchorOf(e.data.scalar.anchor));
        } else {
          b.scalar(null, value, line, column, anchorOf(e.data.scalar.anchor));
        }
        break;
      }
      case YAML_ALIAS_EVENT:
        ok = b.alias(anchorOf(e.data.alias.anchor));
        break;
      case YAML_SEQUENCE_START_EVENT:
        b.open(NodeKind::Sequence, line, column, anchorOf(e.data.sequence_start.anchor));
        ok = b.depth() <= kMaxLibyamlDepth;
        break;
      case YAML_MAPPING_START_EVENT:
        b.open(NodeKind::Map, line, column, anchorOf(e.data.mapping_start.anchor));
        ok = b.depth() <= kMaxLibyamlDepth;
        break;
      case YAML_SEQUENCE_END_EVENT:
      case YAML_MAPPING_END_EVENT:
        b.close();
        break;
      default:
        break;
    }
    yaml_event_delete(&e);
  }
  yaml_parser_delete(&parser);
  return ok;
}

}  // namespace

std::unique_ptr<Tree> Tree::parse(std::string_view text, ParseError& error) {
  if (!countedOtherwise(text)) {
    auto tree = std::make_unique<Tree>();
    TreeBuilder builder(*tree);
    if (readWithLibyaml(text, builder)) {
      if (tree->nodes_.empty()) tree->nodes_.push_back({NodeKind::Null, 0, 0, 0, 0});  // no document: no place
      return tree;
    }
  }
  // What libyaml refuses or would count otherwise: yaml-cpp reads it, and says what is wrong.
  return parseYaml12(text, error);
}

}  // namespace lodestar::yaml
