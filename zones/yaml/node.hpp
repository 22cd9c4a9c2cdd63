// A parsed YAML document as an immutable tree, and the parse that builds it.
//
// The operator's files are read once and walked by schema: nodes are small views into one
// Tree (kinds, marks, scalars and child lists in flat arrays), so walking them allocates
// nothing. libyaml parses first: yaml-cpp's scanner cost ~60 % of compiling many steered
// zones (docs/benchmarks.md). A text libyaml refuses goes to yaml-cpp, which reads YAML 1.2
// (`[::1]` is a list of one address there, and an error in YAML 1.1), and so does one that
// libyaml would place otherwise (NEL, LS, PS, a lone CR, a byte order mark) or nest deeper
// than a zone policy needs: whatever loaded before loads alike, at the same line:column, and
// a real mistake is reported in yaml-cpp's words, as it always was.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace lodestar::yaml {

enum class NodeKind : uint8_t { Undefined, Null, Scalar, Sequence, Map };

class Tree;
class NodeIterator;

/// One node of a Tree, or an undefined node (a missing key). Valid while its Tree lives.
class Node {
 public:
  Node() = default;
  Node(const Tree* tree, uint32_t index) : tree_(tree), index_(index) {}

  NodeKind kind() const noexcept;
  bool isDefined() const noexcept { return kind() != NodeKind::Undefined; }
  explicit operator bool() const noexcept { return isDefined(); }
  /// An empty value, `~` or `null` written plainly (a quoted "null" is a scalar).
  bool isNull() const noexcept { return kind() == NodeKind::Null; }
  bool isScalar() const noexcept { return kind() == NodeKind::Scalar; }
  bool isSequence() const noexcept { return kind() == NodeKind::Sequence; }
  bool isMap() const noexcept { return kind() == NodeKind::Map; }
  /// The text of a scalar; empty for every other kind.
  const std::string& scalar() const noexcept;
  /// Items of a sequence, pairs of a map, 0 otherwise.
  size_t size() const noexcept;
  /// The value of the first pair whose key is the scalar `key`; undefined when none is.
  Node operator[](std::string_view key) const noexcept;
  /// Item i of a sequence; undefined past its end or on another kind.
  Node item(size_t i) const noexcept;
  /// 1-based place in the text; 0 for an undefined node.
  uint32_t line() const noexcept;
  uint32_t column() const noexcept;

  /// A sequence's items (`*it` is the item), or a map's pairs (`it->first`, `it->second`).
  NodeIterator begin() const noexcept;
  NodeIterator end() const noexcept;

 private:
  friend class Tree;
  friend class NodeIterator;
  const Tree* tree_ = nullptr;
  uint32_t index_ = 0;
};

struct NodeEntry : Node {
  Node first, second;  // a map's key and value; the entry itself is a sequence's item
};

class NodeIterator {
 public:
  NodeIterator(Node owner, size_t i) : owner_(owner), i_(i) {}
  const NodeEntry& operator*();
  const NodeEntry* operator->() { return &**this; }
  NodeIterator& operator++() noexcept {
    ++i_;
    return *this;
  }
  bool operator!=(const NodeIterator& o) const noexcept { return i_ != o.i_; }
  bool operator==(const NodeIterator& o) const noexcept { return i_ == o.i_; }

 private:
  Node owner_;
  size_t i_;
  NodeEntry entry_;
};

inline NodeIterator Node::begin() const noexcept { return {*this, 0}; }
inline NodeIterator Node::end() const noexcept { return {*this, size()}; }

/// Where a parse failed, 1-based, and libyaml's words for it.
struct ParseError {
  uint32_t line = 0;
  uint32_t column = 0;
  std::string message;
};

class Tree {
 public:
  /// Parses the first document of `text`; on a syntax error fills `error` and returns null.
  /// A text without a document is one null node at line 0.
  static std::unique_ptr<Tree> parse(std::string_view text, ParseError& error);

  Node root() const noexcept { return nodes_.empty() ? Node() : Node(this, 0); }

 private:
  friend class Node;
  friend class NodeIterator;
  friend class TreeBuilder;
  struct Item {
    NodeKind kind = NodeKind::Undefined;
    uint32_t line = 0, column = 0;
    uint32_t first = 0;  // a scalar's place in scalars_, or a container's first child in kids_
    uint32_t count = 0;  // a container's children: items, or keys and values alternating
  };
  // The second reading (yaml_cpp_tree.cpp): yaml-cpp's parser, its events into a Tree.
  static std::unique_ptr<Tree> parseYaml12(std::string_view text, ParseError& error);

  std::vector<Item> nodes_;
  std::vector<uint32_t> kids_;
  std::vector<std::string> scalars_;
};

}  // namespace lodestar::yaml
